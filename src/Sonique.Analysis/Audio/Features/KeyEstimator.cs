using Sonique.Media.Music;

namespace Sonique.Analysis.Audio.Features;

/// <summary>A key estimate: the key, how well the chroma fits its profile (a correlation, -1..1), and whether the
/// audio sounds a third above the tonic at all; without one the mode is <see cref="Key"/>'s guess, not a finding.</summary>
public sealed record KeyEstimate(MusicalKey Key, double Strength, double ThirdShare)
{
    /// <summary>A tone's fifth partial lands on its major third at up to a fifth of its level (a sawtooth's; less
    /// for softer timbres): a third at a tenth of the tonic or less is at most an overtone, not a note. Set low, so
    /// that a third played softly under a loud tonic still counts.</summary>
    public const double OvertoneThird = 0.1;

    public bool ModeKnown => ThirdShare >= OvertoneThird;
}

/// <summary>
/// Key and mode: a chromagram read from the spectrum at every semitone from C2 to B6, correlated with the
/// Krumhansl-Kessler key profiles (the classic key-finding method, as in Essentia's and librosa's examples). When
/// the third above the tonic (minor or major) is weaker than the tonic's own fifth partial would make it, the audio
/// has no third and the mode is unknown.
/// </summary>
public static class KeyEstimator
{
    public const int FrameSize = 8192;
    private const int LowestNote = 36;
    private const int HighestNote = 95;

    private static readonly double[] MajorProfile = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
    private static readonly double[] MinorProfile = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

    public static MusicalKey Estimate(MonoAudio audio) => Estimate(Spectrogram.Of(audio, FrameSize, FrameSize / 2)).Key;

    /// <summary>The key of every frame of a spectrogram with <see cref="FrameSize"/> frames.</summary>
    public static KeyEstimate Estimate(Spectrogram spectrogram) => Estimate(spectrogram, 0, spectrogram.Frames.Length);

    /// <summary>The key of frames <paramref name="first"/> to <paramref name="last"/> (exclusive).</summary>
    public static KeyEstimate Estimate(Spectrogram spectrogram, int first, int last)
    {
        var chroma = Chroma(spectrogram, first, last, LowestNote, HighestNote);
        var (key, strength) = Fit(chroma);
        var tonic = chroma[key.Root];
        var third = Math.Max(chroma[(key.Root + 3) % 12], chroma[(key.Root + 4) % 12]);
        return new KeyEstimate(key, strength, tonic > 0 ? third / tonic : 0);
    }

    /// <summary>Energy per pitch class (0 = C), summed over frames.</summary>
    public static double[] Chroma(Spectrogram spectrogram) => Chroma(spectrogram, 0, spectrogram.Frames.Length, LowestNote, HighestNote);

    /// <summary>Energy per pitch class over frames <paramref name="first"/> to <paramref name="last"/> (exclusive)
    /// and notes <paramref name="lowest"/> to <paramref name="highest"/> (MIDI numbers).</summary>
    private static double[] Chroma(Spectrogram spectrogram, int first, int last, int lowest, int highest)
    {
        var chroma = new double[12];
        for (var f = first; f < last; f++)
        {
            var frame = spectrogram.Frames[f];
            for (var note = lowest; note <= highest; note++)
            {
                var position = 440.0 * Math.Pow(2, (note - 69) / 12.0) / spectrogram.BinHertz;
                var bin = (int)position;
                if (bin + 1 >= frame.Length)
                {
                    break;
                }

                var fraction = position - bin;
                chroma[note % 12] += ((1 - fraction) * frame[bin]) + (fraction * frame[bin + 1]);
            }
        }

        return chroma;
    }

    /// <summary>The key whose profile the chroma correlates with best, and that correlation (-1..1): how well it fits.</summary>
    public static (MusicalKey Key, double Strength) Fit(double[] chroma)
    {
        var best = (Key: new MusicalKey(0, Mode.Major), Strength: double.NegativeInfinity);
        for (var tonic = 0; tonic < 12; tonic++)
        {
            foreach (var minor in (ReadOnlySpan<bool>)[false, true])
            {
                var profile = minor ? MinorProfile : MajorProfile;
                var score = Correlation(chroma, profile, tonic);
                if (score > best.Strength)
                {
                    best = (new MusicalKey(tonic, minor ? Mode.Minor : Mode.Major), score);
                }
            }
        }

        return double.IsNaN(best.Strength) || double.IsNegativeInfinity(best.Strength) ? (new MusicalKey(0, Mode.Major), 0) : best;
    }

    private static double Correlation(double[] chroma, double[] profile, int tonic)
    {
        var (meanA, meanB) = (chroma.Average(), profile.Average());
        double cross = 0, varA = 0, varB = 0;
        for (var pc = 0; pc < 12; pc++)
        {
            var a = chroma[pc] - meanA;
            var b = profile[(pc - tonic + 12) % 12] - meanB;
            cross += a * b;
            varA += a * a;
            varB += b * b;
        }

        return varA == 0 ? double.NegativeInfinity : cross / Math.Sqrt(varA * varB);
    }
}
