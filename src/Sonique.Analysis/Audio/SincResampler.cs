namespace Sonique.Analysis.Audio;

/// <summary>
/// Rational-ratio resampling by a Kaiser-windowed sinc (a polyphase FIR), in process: a model's front end
/// gets audio at its own rate from the samples already read, where a second ffmpeg run would decode the file
/// again. The pass band is flat to 95% of the lower Nyquist frequency; what lies above it is attenuated by
/// about 80 dB instead of folding back into the bands a model reads.
/// </summary>
internal sealed class SincResampler
{
    private const double PassBand = 0.95;
    private const int ZeroCrossings = 24;
    private const double KaiserBeta = 8.0;

    /// <summary>More phases than this are computed per sample instead of tabulated (rates of odd ratios).</summary>
    private const int MaxTabulatedPhases = 4096;

    private readonly int _up;
    private readonly int _down;
    private readonly int _half;
    private readonly double _cutoff;
    private readonly float[][]? _phases;

    public SincResampler(int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        var divisor = Gcd(fromRate, toRate);
        _up = toRate / divisor;
        _down = fromRate / divisor;

        // The cutoff in cycles per input sample: below both Nyquist frequencies.
        _cutoff = 0.5 * PassBand * Math.Min(1.0, (double)toRate / fromRate);
        _half = (int)Math.Ceiling(ZeroCrossings / (2 * _cutoff));
        if (_up <= MaxTabulatedPhases)
        {
            _phases = new float[_up][];
            for (var p = 0; p < _up; p++)
            {
                _phases[p] = Taps((double)p / _up);
            }
        }
    }

    public float[] Resample(ReadOnlySpan<float> input)
    {
        var count = (int)((long)input.Length * _up / _down);
        var output = new float[count];
        for (var n = 0; n < count; n++)
        {
            // Output n lies at input position n * down / up = base + phase / up.
            var position = (long)n * _down;
            var start = (int)(position / _up);
            var phase = (int)(position % _up);
            var taps = _phases?[phase] ?? Taps((double)phase / _up);
            var first = start - _half + 1;
            var sum = 0f;
            var from = Math.Max(0, -first);
            var to = Math.Min(taps.Length, input.Length - first);
            for (var k = from; k < to; k++)
            {
                sum += taps[k] * input[first + k];
            }

            output[n] = sum;
        }

        return output;
    }

    /// <summary>The filter taps for an output that lies <paramref name="fraction"/> of a sample after input
    /// sample <c>start</c>: tap k weighs input <c>start - half + 1 + k</c>.</summary>
    private float[] Taps(double fraction)
    {
        var taps = new float[2 * _half];
        var norm = BesselI0(KaiserBeta);
        for (var k = 0; k < taps.Length; k++)
        {
            var t = fraction + _half - 1 - k;
            var x = 2 * _cutoff * t;
            var sinc = Math.Abs(x) < 1e-12 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
            var r = t / _half;
            var window = Math.Abs(r) >= 1 ? 0 : BesselI0(KaiserBeta * Math.Sqrt(1 - (r * r))) / norm;
            taps[k] = (float)(2 * _cutoff * sinc * window);
        }

        return taps;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1;
        for (var k = 1; k < 50 && term > 1e-12 * sum; k++)
        {
            term *= x * x / (4.0 * k * k);
            sum += term;
        }

        return sum;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
