using Sonique.Media.Music;

namespace Sonique.Analysis.Audio.Features;

/// <summary>
/// Key and mode: a chromagram read from the spectrum at every semitone from C2 to B6, correlated with the
/// Krumhansl-Kessler key profiles (the classic key-finding method, as in Essentia's and librosa's examples).
/// </summary>
public static class KeyEstimator
{
    public const int FrameSize = 8192;
    private const int LowestNote = 36;
    private const int HighestNote = 95;

    private static readonly double[] MajorProfile = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
    private static readonly double[] MinorProfile = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

    public static MusicalKey Estimate(MonoAudio audio) => Fit(Chroma(Spectrogram.Of(audio, FrameSize, FrameSize / 2))).Key;

    /// <summary>Energy per pitch class (0 = C), summed over frames.</summary>
    public static double[] Chroma(Spectrogram spectrogram) => Chroma(spectrogram, 0, spectrogram.Frames.Length);

    /// <summary>Energy per pitch class over frames <paramref name="first"/> to <paramref name="last"/> (exclusive).</summary>
    public static double[] Chroma(Spectrogram spectrogram, int first, int last)
    {
        var chroma = new double[12];
        for (var f = first; f < last; f++)
        {
            var frame = spectrogram.Frames[f];
            for (var note = LowestNote; note <= HighestNote; note++)
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
