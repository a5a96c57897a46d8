namespace Sonique.Ingest.Tests.Samples;

/// <summary>
/// A textbook key finder, independent of the synthesiser: a chromagram from Goertzel filters on every
/// semitone from G2 to B6 over Hann-windowed frames, correlated with the Krumhansl-Kessler key profiles.
/// </summary>
internal static class ChromaKey
{
    private const int Frame = 8192;
    private const int LowestNote = 43;
    private const int HighestNote = 95;

    private static readonly double[] MajorProfile = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
    private static readonly double[] MinorProfile = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

    /// <summary>The best key: tonic pitch class (0 = C) and whether it is minor.</summary>
    public static (int Tonic, bool IsMinor) Find(ReadOnlySpan<short> samples, int sampleRate)
    {
        var chroma = Chroma(samples, sampleRate);
        var best = (Tonic: 0, IsMinor: false);
        var bestScore = double.NegativeInfinity;
        for (var tonic = 0; tonic < 12; tonic++)
        {
            foreach (var isMinor in new[] { false, true })
            {
                var profile = isMinor ? MinorProfile : MajorProfile;
                var score = Correlation(chroma, [.. Enumerable.Range(0, 12).Select(pc => profile[(pc - tonic + 12) % 12])]);
                if (score > bestScore)
                {
                    (best, bestScore) = ((tonic, isMinor), score);
                }
            }
        }

        return best;
    }

    private static double[] Chroma(ReadOnlySpan<short> samples, int sampleRate)
    {
        var chroma = new double[12];
        var window = new double[Frame];
        for (var i = 0; i < Frame; i++)
        {
            window[i] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / Frame));
        }

        var frame = new double[Frame];
        for (var start = 0; start + Frame <= samples.Length; start += Frame)
        {
            for (var i = 0; i < Frame; i++)
            {
                frame[i] = window[i] * samples[start + i] / 32768.0;
            }

            for (var note = LowestNote; note <= HighestNote; note++)
            {
                var frequency = 440.0 * Math.Pow(2, (note - 69) / 12.0);
                chroma[note % 12] += Math.Sqrt(GoertzelPower(frame, frequency / sampleRate));
            }
        }

        return chroma;
    }

    private static double GoertzelPower(double[] frame, double cyclesPerSample)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * cyclesPerSample);
        double s1 = 0, s2 = 0;
        foreach (var x in frame)
        {
            var s0 = x + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
    }

    private static double Correlation(double[] a, double[] b)
    {
        var (meanA, meanB) = (a.Average(), b.Average());
        double cross = 0, varA = 0, varB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            cross += (a[i] - meanA) * (b[i] - meanB);
            varA += (a[i] - meanA) * (a[i] - meanA);
            varB += (b[i] - meanB) * (b[i] - meanB);
        }

        return cross / Math.Sqrt(varA * varB);
    }
}
