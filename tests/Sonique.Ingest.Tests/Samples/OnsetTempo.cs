namespace Sonique.Ingest.Tests.Samples;

/// <summary>
/// A textbook tempo estimate, independent of the synthesiser: an onset envelope (rises in log energy, hop by
/// hop), its autocorrelation, and the lag of the strongest peak within a plausible tempo range.
/// </summary>
internal static class OnsetTempo
{
    private const int Hop = 128;
    private const int Window = 2048;

    /// <summary>The strongest periodicity of the onsets, in seconds, between the given lags.</summary>
    public static double BeatSeconds(ReadOnlySpan<short> samples, int sampleRate, double shortestSeconds, double longestSeconds)
    {
        var onsets = Onsets(samples);
        var mean = onsets.Average();
        for (var i = 0; i < onsets.Length; i++)
        {
            onsets[i] -= mean;
        }

        var minLag = Math.Max(2, (int)Math.Floor(shortestSeconds * sampleRate / Hop));
        var maxLag = (int)Math.Ceiling(longestSeconds * sampleRate / Hop);
        var correlation = new double[maxLag + 2];
        for (var lag = minLag - 1; lag <= maxLag + 1; lag++)
        {
            var sum = 0.0;
            for (var i = 0; i + lag < onsets.Length; i++)
            {
                sum += onsets[i] * onsets[i + lag];
            }

            correlation[lag] = sum / (onsets.Length - lag);
        }

        var best = minLag;
        for (var lag = minLag; lag <= maxLag; lag++)
        {
            if (correlation[lag] > correlation[best])
            {
                best = lag;
            }
        }

        // A parabola through the peak and its neighbours finds the lag between hops.
        var (left, centre, right) = (correlation[best - 1], correlation[best], correlation[best + 1]);
        var denominator = left - (2 * centre) + right;
        var offset = denominator == 0 ? 0 : 0.5 * (left - right) / denominator;
        return (best + offset) * Hop / sampleRate;
    }

    /// <summary>
    /// Rises in log energy over Hann windows of 2048 samples: long enough that a steady bass note's own cycles
    /// do not ripple the energy and pass for onsets.
    /// </summary>
    private static double[] Onsets(ReadOnlySpan<short> samples)
    {
        var window = new double[Window];
        for (var i = 0; i < Window; i++)
        {
            window[i] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / Window));
        }

        var frames = Math.Max(0, (samples.Length - Window) / Hop);
        var onsets = new double[frames];
        var previous = 0.0;
        for (var f = 0; f < frames; f++)
        {
            var energy = 0.0;
            var frame = samples.Slice(f * Hop, Window);
            for (var i = 0; i < Window; i++)
            {
                var x = frame[i] / 32768.0;
                energy += window[i] * x * x;
            }

            var level = Math.Log(1e-9 + energy);
            onsets[f] = f == 0 ? 0 : Math.Max(0, level - previous);
            previous = level;
        }

        return onsets;
    }
}
