using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Features;
using Sonique.Media;

namespace Sonique.Tests.Shared.Evaluation;

/// <summary>How many of a half's clips an estimator got: tempo within 2% (strict), within 2% of the tempo, its half
/// or its double (octave-tolerant), the key (the tonic, and the mode where the clip has a third), and the mode
/// (major, minor, or unknown where the clip has no third).</summary>
internal sealed record Accuracy(int Clips, int Strict, int Octave, int Key, int Mode)
{
    public static Accuracy Of(IReadOnlyList<EvaluationClip> clips, IReadOnlyList<Estimate> estimates) => new(
        clips.Count,
        clips.Zip(estimates).Count(p => Near(p.Second.TempoBpm, p.First.TempoBpm)),
        clips.Zip(estimates).Count(p => ((double[])[1, 0.5, 2]).Any(f => Near(p.Second.TempoBpm, f * p.First.TempoBpm))),
        clips.Zip(estimates).Count(p => KeyRight(p.First, p.Second.Key)),
        clips.Zip(estimates).Count(p => ModeOf(p.Second.Key) == ModeOf(p.First.KeyName)));

    public static bool Near(double bpm, double truth) => Math.Abs(bpm - truth) <= 0.02 * truth;

    private static bool KeyRight(EvaluationClip clip, string key) =>
        clip.Third == Third.None ? key.Split(' ')[0] == clip.KeyName : key == clip.KeyName;

    private static string ModeOf(string key) => key.Split(' ') is [_, var mode] ? mode : "unknown";
}

/// <summary>Ours, aubio and Essentia on the same written half of the corpus.</summary>
internal sealed record CorpusComparison(
    IReadOnlyList<EvaluationClip> Clips,
    IReadOnlyList<Estimate> Ours,
    IReadOnlyList<double> Aubio,
    IReadOnlyList<Estimate> Essentia)
{
    public Accuracy OurAccuracy => Accuracy.Of(Clips, Ours);

    /// <summary>aubio says no key: its key and mode count as misses.</summary>
    public Accuracy AubioAccuracy => Accuracy.Of(Clips, [.. Aubio.Select(bpm => new Estimate(bpm, "-"))]);

    public Accuracy EssentiaAccuracy => Accuracy.Of(Clips, Essentia);

    public static async Task<CorpusComparison> MeasureAsync(IReadOnlyList<EvaluationClip> clips, string folder, CancellationToken cancellationToken)
    {
        var wavs = await EvaluationCorpus.WriteAsync(clips, folder, cancellationToken);
        var ours = await OursAsync(wavs, cancellationToken);
        var aubio = await ReferenceEstimators.AubioTempoAsync(wavs, cancellationToken);
        var essentia = await ReferenceEstimators.EssentiaAsync(wavs, cancellationToken);
        return new CorpusComparison(clips, ours, aubio, essentia);
    }

    /// <summary>TagAudio's estimates as the features backend reads a clip (mono, 22.05 kHz).</summary>
    public static async Task<IReadOnlyList<Estimate>> OursAsync(IReadOnlyList<string> wavs, CancellationToken cancellationToken)
    {
        var reader = new AudioReader(new Ffmpeg());
        var estimates = new Estimate[wavs.Count];
        await Parallel.ForAsync(0, wavs.Count, cancellationToken, async (i, ct) =>
        {
            var audio = await reader.ReadAsync(wavs[i], FeatureTaggerOptions.SampleRate, ct);
            var (track, _) = SoundAnalyser.Analyse(audio, audio.Seconds, ct);
            estimates[i] = new Estimate(
                track.TempoBpm,
                track.ModeKnown ? track.Key.ToString() : track.Key.RootName,
                $"confidence {track.TempoConfidence:F2}{(track.TempoAlternativeBpm > 0 ? $", or {track.TempoAlternativeBpm:F1}" : "")}, third {track.ThirdShare:F2}");
        });
        return estimates;
    }

    /// <summary>One line per clip: the truth and what each estimator said, misses marked.</summary>
    public IEnumerable<string> Lines() => Clips.Select((clip, i) =>
        $"{OurLine(clip, Ours[i])}; aubio {Aubio[i]:F1}; essentia {Essentia[i].TempoBpm:F1} {Essentia[i].Key}");

    /// <summary>The truth and what ours said, a tempo miss marked.</summary>
    public static string OurLine(EvaluationClip clip, Estimate ours) =>
        $"{clip}: ours {ours.TempoBpm:F1} {ours.Key} ({ours.Note}){(Accuracy.Near(ours.TempoBpm, clip.TempoBpm) ? "" : " TEMPO MISS")}";
}
