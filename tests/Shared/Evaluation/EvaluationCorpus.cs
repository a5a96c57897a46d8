using System.Buffers.Binary;

namespace Sonique.Tests.Shared.Evaluation;

/// <summary>
/// The tempo and key evaluation corpus: music the sample library never makes (its own drum patterns, meters,
/// swing, drift, drum-less pieces, non-Western scales, noise, reverb), drawn from a seed, two styles' worth of
/// clips per style in each half. The development half is what an estimator may be tuned on; the held-out half
/// is drawn from another seed and is only ever measured, so a figure on it says how the estimator does on music
/// it was not fitted to.
/// </summary>
internal static class EvaluationCorpus
{
    public const int SampleRate = 44100;
    public const double Seconds = 15;
    private const int ClipsPerStyle = 2;

    public static IReadOnlyList<EvaluationClip> Development { get; } = Plan("dev", seed: 2026);

    /// <summary>Only measured: never tune on these.</summary>
    public static IReadOnlyList<EvaluationClip> HeldOut { get; } = Plan("held", seed: 91_733);

    /// <summary>Writes every clip of <paramref name="clips"/> into <paramref name="folder"/> as mono 16-bit WAV,
    /// returning the paths in the same order.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<EvaluationClip> clips, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var paths = new string[clips.Count];
        await Parallel.ForAsync(0, clips.Count, cancellationToken, async (i, ct) =>
        {
            paths[i] = Path.Combine(folder, clips[i].Id + ".wav");
            await File.WriteAllBytesAsync(paths[i], Wav(EvaluationSynth.Render(clips[i], SampleRate, Seconds)), ct);
        });
        return paths;
    }

    private static List<EvaluationClip> Plan(string prefix, int seed)
    {
        var random = new Random(seed);
        var clips = new List<EvaluationClip>();
        foreach (var style in Enum.GetValues<EvaluationStyle>())
        {
            for (var n = 0; n < ClipsPerStyle; n++)
            {
                var (slowest, fastest) = TempoRange(style);
                var tempo = Math.Round(slowest + (random.NextDouble() * (fastest - slowest)), 1);
                var tonic = random.Next(12);
                var third = style switch
                {
                    EvaluationStyle.PowerChords => Third.None,
                    EvaluationStyle.HijazWithFrameDrum => Third.Major,
                    EvaluationStyle.HirajoshiPlucks => Third.Minor,
                    // About one in eight of the other clips is an open-fifth piece: power chords and a drone, no third.
                    _ => random.Next(8) == 0 ? Third.None : random.Next(2) == 0 ? Third.Major : Third.Minor,
                };
                clips.Add(new EvaluationClip($"{prefix}-{clips.Count:D2}-{style}", style, tempo, tonic, third, random.Next()));
            }
        }

        return clips;
    }

    /// <summary>Each style's range of counted tempos, together 60 to 200 BPM.</summary>
    private static (double Slowest, double Fastest) TempoRange(EvaluationStyle style) => style switch
    {
        EvaluationStyle.FourOnTheFloor => (100, 150),
        EvaluationStyle.HalfTime => (120, 180),
        EvaluationStyle.Waltz => (90, 180),
        EvaluationStyle.SixEight => (60, 90),
        EvaluationStyle.PianoChords or EvaluationStyle.ReverbPiano => (60, 130),
        EvaluationStyle.PadAndBass => (60, 120),
        EvaluationStyle.PowerChords => (100, 200),
        EvaluationStyle.HirajoshiPlucks => (60, 140),
        _ => (80, 180),
    };

    private static byte[] Wav(float[] samples)
    {
        const int Header = 44;
        var wav = new byte[Header + (2 * samples.Length)];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], wav.Length - 8);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], 2 * samples.Length);
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(span[(Header + (2 * i))..], (short)Math.Round(Math.Clamp(samples[i], -1f, 1f) * 32767));
        }

        return wav;
    }
}
