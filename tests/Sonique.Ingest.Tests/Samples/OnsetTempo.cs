namespace Sonique.Ingest.Tests.Samples;

/// <summary>
/// A textbook tempo estimate, written apart from the synthesiser so it can catch it out: an onset envelope
/// (rises in log energy), its autocorrelation, and the lag of the strongest peak.
/// </summary>
internal sealed class OnsetTempo
{
    private const int Hop = 128;
    private const int Window = 2048;
    private const double LongestSeconds = 1.6;

    private readonly double[] _correlation;
    private readonly double _hopSeconds;

    public OnsetTempo(ReadOnlySpan<short> samples, int sampleRate)
    {
        _hopSeconds = (double)Hop / sampleRate;
        var onsets = Onsets(samples);
        var mean = onsets.Average();
        for (var i = 0; i < onsets.Length; i++)
        {
            onsets[i] -= mean;
        }

        _correlation = new double[(int)(LongestSeconds / _hopSeconds) + 2];
        for (var lag = 0; lag < _correlation.Length; lag++)
        {
            var sum = 0.0;
            for (var i = 0; i + lag < onsets.Length; i++)
            {
                sum += onsets[i] * onsets[i + lag];
            }

            _correlation[lag] = sum / onsets.Length;
        }
    }

    /// <summary>The lag, in seconds, at which the onsets best repeat, searched between the two bounds.</summary>
    public double StrongestPeriod(double shortestSeconds, double longestSeconds) =>
        Peak(shortestSeconds, longestSeconds, _ => 1.0);

    /// <summary>
    /// The beat period a tracker would report, searched from 40 to 240 BPM with librosa's default preference:
    /// a log-normal weight centred on 120 BPM, one octave wide. This is what settles half against double tempo.
    /// </summary>
    public double Estimate() =>
        Peak(60.0 / 240, 60.0 / 40, seconds => Math.Exp(-0.5 * Math.Pow(Math.Log2(60.0 / seconds / 120.0), 2)));

    private double Peak(double shortestSeconds, double longestSeconds, Func<double, double> weight)
    {
        var first = Math.Max(2, (int)Math.Floor(shortestSeconds / _hopSeconds));
        var last = Math.Min(_correlation.Length - 2, (int)Math.Ceiling(longestSeconds / _hopSeconds));
        var best = first;
        for (var lag = first; lag <= last; lag++)
        {
            if (_correlation[lag] * weight(lag * _hopSeconds) > _correlation[best] * weight(best * _hopSeconds))
            {
                best = lag;
            }
        }

        // A parabola through the peak and its neighbours places it between hops.
        var (left, centre, right) = (_correlation[best - 1], _correlation[best], _correlation[best + 1]);
        var curvature = left - (2 * centre) + right;
        var offset = curvature < 0 ? 0.5 * (left - right) / curvature : 0;
        return (best + offset) * _hopSeconds;
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
