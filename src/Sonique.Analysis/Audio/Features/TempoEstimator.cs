namespace Sonique.Analysis.Audio.Features;

/// <summary>
/// Tempo from the onset envelope's autocorrelation. The search runs from 40 to 240 BPM weighted, as librosa's
/// beat tracker is, by a log-normal prior centred on 120 BPM and one octave wide: that is what settles half
/// against double time. The winning lag is then refined on its multiples (2, 3, 4 beats), which pins a
/// 16 s clip's tempo to a fraction of a BPM where one hop alone is worth several.
/// </summary>
public static class TempoEstimator
{
    public const int FrameSize = 2048;
    public const int Hop = 256;
    private const double SlowestBpm = 40;
    private const double FastestBpm = 240;
    private const double PriorBpm = 120;
    private const double PriorOctaves = 0.7;
    private const int Multiples = 4;

    /// <summary>The tempo of audio at any rate (22050 Hz is what the tagger reads).</summary>
    public static double EstimateBpm(MonoAudio audio) =>
        EstimateBpm(OnsetEnvelope.Of(Spectrogram.Of(audio, FrameSize, Hop)), (double)Hop / audio.SampleRate);

    /// <summary>The tempo of an onset envelope sampled every <paramref name="hopSeconds"/>; 0 when there is no
    /// pulse to measure (silence, or too short for two beats at the slowest tempo).</summary>
    public static double EstimateBpm(ReadOnlySpan<float> envelope, double hopSeconds)
    {
        var longest = (int)Math.Ceiling(60 / SlowestBpm / hopSeconds);
        var correlation = Autocorrelation(envelope, Math.Min(envelope.Length - 1, (longest * Multiples) + 2));
        var shortest = Math.Max(2, (int)Math.Floor(60 / FastestBpm / hopSeconds));
        if (correlation.Length < longest + 2 || correlation[0] <= 0)
        {
            return 0;
        }

        // Each lag is scored by the autocorrelation (which also peaks at multiples of the beat: half time)
        // times the envelope's Fourier magnitude at that tempo (which also peaks at multiples of the beat
        // frequency: double time), so only the beat itself is strong in both (Peeters' hybrid tempogram).
        var spectrum = new FourierMagnitude(envelope, hopSeconds);
        var best = shortest;
        var bestScore = double.NegativeInfinity;
        for (var lag = shortest; lag <= longest; lag++)
        {
            var bpm = 60 / (lag * hopSeconds);
            var score = Math.Max(0, correlation[lag]) * Math.Sqrt(spectrum.At(bpm / 60)) * Math.Exp(-0.5 * Math.Pow(Math.Log2(bpm / PriorBpm) / PriorOctaves, 2));
            if (score > bestScore)
            {
                (best, bestScore) = (lag, score);
            }
        }

        return 60 / (RefinedPeriod(correlation, best) * hopSeconds);
    }

    /// <summary>Least-squares period through the peaks found near 1, 2, 3 and 4 times the coarse lag.</summary>
    private static double RefinedPeriod(double[] correlation, int lag)
    {
        double weighted = 0, squares = 0;
        var period = (double)lag;
        for (var m = 1; m <= Multiples; m++)
        {
            var centre = (int)Math.Round(m * period);
            var reach = Math.Max(1, (int)Math.Ceiling(m * 0.03 * period));
            if (centre + reach + 1 >= correlation.Length)
            {
                break;
            }

            var peak = centre;
            for (var k = centre - reach; k <= centre + reach; k++)
            {
                if (correlation[k] > correlation[peak])
                {
                    peak = k;
                }
            }

            if (peak == centre - reach || peak == centre + reach)
            {
                // No peak inside the window: this multiple says nothing about the period.
                continue;
            }

            var position = peak + ParabolicOffset(correlation[peak - 1], correlation[peak], correlation[peak + 1]);
            weighted += m * position;
            squares += m * m;
            period = weighted / squares;
        }

        return squares > 0 ? weighted / squares : lag;
    }

    /// <summary>The magnitude of the mean-removed, Hann-windowed envelope's spectrum at any frequency.</summary>
    private sealed class FourierMagnitude
    {
        private readonly double[] _weighted;
        private readonly double _hopSeconds;

        public FourierMagnitude(ReadOnlySpan<float> envelope, double hopSeconds)
        {
            _hopSeconds = hopSeconds;
            var mean = 0.0;
            foreach (var x in envelope)
            {
                mean += x;
            }

            mean /= envelope.Length;
            _weighted = new double[envelope.Length];
            for (var i = 0; i < envelope.Length; i++)
            {
                _weighted[i] = (envelope[i] - mean) * (0.5 - (0.5 * Math.Cos(2 * Math.PI * i / envelope.Length)));
            }
        }

        public double At(double hertz)
        {
            // A rotating phasor: one complex multiply per sample instead of a sine and a cosine.
            var step = 2 * Math.PI * hertz * _hopSeconds;
            var (stepCos, stepSin) = (Math.Cos(step), Math.Sin(step));
            double re = 0, im = 0, cos = 1, sin = 0;
            foreach (var x in _weighted)
            {
                re += x * cos;
                im -= x * sin;
                (cos, sin) = ((cos * stepCos) - (sin * stepSin), (sin * stepCos) + (cos * stepSin));
            }

            return Math.Sqrt((re * re) + (im * im));
        }
    }

    private static double ParabolicOffset(double left, double centre, double right)
    {
        var curvature = left - (2 * centre) + right;
        return curvature < 0 ? 0.5 * (left - right) / curvature : 0;
    }

    private static double[] Autocorrelation(ReadOnlySpan<float> envelope, int maxLag)
    {
        if (maxLag < 1)
        {
            return [];
        }

        var mean = 0.0;
        foreach (var x in envelope)
        {
            mean += x;
        }

        mean /= envelope.Length;
        var centred = new double[envelope.Length];
        for (var i = 0; i < centred.Length; i++)
        {
            centred[i] = envelope[i] - mean;
        }

        var correlation = new double[maxLag + 1];
        for (var lag = 0; lag <= maxLag; lag++)
        {
            var sum = 0.0;
            for (var i = 0; i + lag < centred.Length; i++)
            {
                sum += centred[i] * centred[i + lag];
            }

            // Dividing by the full length (the biased estimate) makes long lags pay for their fewer overlaps,
            // so a bar-long lag cannot beat the beat on a short clip just by being periodic too.
            correlation[lag] = sum / centred.Length;
        }

        return correlation;
    }
}
