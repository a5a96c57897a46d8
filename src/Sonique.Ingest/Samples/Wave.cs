namespace Sonique.Ingest.Samples;

/// <summary>
/// The synthesiser's arithmetic. Only +, -, *, / and square roots appear here, never the platform's sin or
/// exp, because those may differ in the last bit between runtimes and machines and the library's audio must
/// not. Phases are in cycles, [0, 1).
/// </summary>
internal static class Wave
{
    public const int SampleRate = 44100;

    private const int TableSize = 4096;

    private static readonly double[] SineTable = BuildSineTable();

    // 2^(n/12) for n = 0..11, written out so equal temperament does not depend on Math.Pow.
    private static readonly double[] SemitoneRatios =
    [
        1.0, 1.0594630943592953, 1.122462048309373, 1.189207115002721, 1.2599210498948732, 1.3348398541700344,
        1.4142135623730951, 1.4983070768766815, 1.5874010519681994, 1.681792830507429, 1.7817974362806785,
        1.8877486253633868,
    ];

    public static double Sine(double phase)
    {
        phase -= Math.Floor(phase);
        var position = phase * TableSize;
        var index = (int)position;
        var fraction = position - index;
        return SineTable[index] + (fraction * (SineTable[index + 1] - SineTable[index]));
    }

    /// <summary>A saw from -1 to 1, its jump smoothed by PolyBLEP so high notes do not alias much.</summary>
    public static double Saw(double phase, double increment) => (2.0 * phase) - 1.0 - PolyBlep(phase, increment);

    public static double Square(double phase, double increment)
    {
        var naive = phase < 0.5 ? 1.0 : -1.0;
        var half = phase + 0.5;
        if (half >= 1.0)
        {
            half -= 1.0;
        }

        return naive + PolyBlep(phase, increment) - PolyBlep(half, increment);
    }

    /// <summary>x / (1 + |x|): a smooth clipper, the distortion of the storm sound.</summary>
    public static double SoftClip(double x) => x / (1.0 + Math.Abs(x));

    /// <summary>The coefficient of a one-pole low-pass (y += a (x - y)) with the given cutoff.</summary>
    public static double LowPass(double cutoffHz)
    {
        var w = 2.0 * Math.PI * cutoffHz / SampleRate;
        return w / (1.0 + w);
    }

    /// <summary>The per-sample factor that shrinks a level by about e in the given time.</summary>
    public static double Decay(double seconds) => 1.0 - (1.0 / (seconds * SampleRate));

    /// <summary>Equal temperament at A4 = 440 Hz; MIDI note 69 is A4.</summary>
    public static double Frequency(int midiNote)
    {
        var fromA = midiNote - 69;
        var octaves = (int)Math.Floor(fromA / 12.0);
        return Math.ScaleB(440.0 * SemitoneRatios[fromA - (octaves * 12)], octaves);
    }

    public static double Advance(double phase, double increment)
    {
        phase += increment;
        return phase >= 1.0 ? phase - 1.0 : phase;
    }

    private static double PolyBlep(double t, double dt)
    {
        if (t < dt)
        {
            t /= dt;
            return t + t - (t * t) - 1.0;
        }

        if (t > 1.0 - dt)
        {
            t = (t - 1.0) / dt;
            return (t * t) + t + t + 1.0;
        }

        return 0.0;
    }

    /// <summary>The table from sin's Taylor series on [-pi, pi], to the 27th power: error below 1e-12.</summary>
    private static double[] BuildSineTable()
    {
        var table = new double[TableSize + 1];
        for (var i = 0; i <= TableSize; i++)
        {
            var x = 2.0 * Math.PI * i / TableSize;
            if (x > Math.PI)
            {
                x -= 2.0 * Math.PI;
            }

            var term = x;
            var sum = x;
            for (var n = 1; n <= 13; n++)
            {
                term *= -x * x / ((2 * n) * ((2 * n) + 1));
                sum += term;
            }

            table[i] = sum;
        }

        return table;
    }
}
