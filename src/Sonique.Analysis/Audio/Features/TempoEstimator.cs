namespace Sonique.Analysis.Audio.Features;

/// <summary>What the tempo estimator found: the beat in BPM (0: no pulse to measure), how sure it is (the share of
/// the beats it tracked that fall on an accented onset, 0..1), and half or double the tempo when that scored nearly
/// as well (0 when the choice was clear).</summary>
public sealed record TempoEstimate(double Bpm, double Confidence, double AlternativeBpm)
{
    public static TempoEstimate None { get; } = new(0, 0, 0);
}

/// <summary>
/// Tempo from the onset envelope's autocorrelation. The search runs from 40 to 240 BPM weighted, as librosa's
/// beat tracker is, by a log-normal prior centred on 120 BPM and one octave wide: that is what settles half
/// against double time. The winning lag is then refined on its multiples (2, 3, 4 beats), which pins a
/// 16 s clip's tempo to a fraction of a BPM where one hop alone is worth several. Beats tracked at the chosen
/// period say how far it can be trusted: the share of them on an accent (full-band and bass-band flux) is the
/// confidence, and the tempo's half or double is named as the alternative when it scores nearly as well.
/// </summary>
public static class TempoEstimator
{
    public const int FrameSize = 2048;
    public const int Hop = 256;
    private const double SlowestBpm = 40;
    private const double FastestBpm = 240;
    private const double PriorBpm = 120;
    private const double PriorOctaves = 0.7;

    /// <summary>Half or double time scoring at least this share of the winner's score is named as an alternative.</summary>
    private const double Close = 0.8;

    private const int Multiples = 4;

    /// <summary>The tempo of audio at any rate (22050 Hz is what the tagger reads).</summary>
    public static double EstimateBpm(MonoAudio audio) => Estimate(audio).Bpm;

    public static TempoEstimate Estimate(MonoAudio audio)
    {
        var spectrogram = Spectrogram.Of(audio, FrameSize, Hop);
        return Estimate(OnsetEnvelope.Of(spectrogram), OnsetEnvelope.Of(spectrogram, OnsetEnvelope.BassHighestHertz), spectrogram.HopSeconds);
    }

    /// <summary>The tempo of an onset envelope and its bass band's, sampled every <paramref name="hopSeconds"/>;
    /// <see cref="TempoEstimate.None"/> when there is no pulse to measure (silence, a held tone, or too short for two
    /// beats at the slowest tempo).</summary>
    public static TempoEstimate Estimate(float[] envelope, float[] bass, double hopSeconds)
    {
        var longest = (int)Math.Ceiling(60 / SlowestBpm / hopSeconds);
        var correlation = Autocorrelation(envelope, Math.Min(envelope.Length - 1, (longest * Multiples) + 2));
        var shortest = Math.Max(2, (int)Math.Floor(60 / FastestBpm / hopSeconds));
        if (correlation.Length < longest + 2 || correlation[0] <= 0 || envelope.Average() < OnsetEnvelope.Floor)
        {
            return TempoEstimate.None;
        }

        // Each lag is scored by the autocorrelation (which also peaks at multiples of the beat: half time)
        // times the envelope's Fourier magnitude at that tempo (which also peaks at multiples of the beat
        // frequency: double time), so only the beat itself is strong in both (Peeters' hybrid tempogram).
        var spectrum = new FourierMagnitude(envelope, hopSeconds);
        var scores = new double[longest + 1];
        var best = shortest;
        for (var lag = shortest; lag <= longest; lag++)
        {
            var bpm = 60 / (lag * hopSeconds);
            scores[lag] = Math.Max(0, correlation[lag]) * Math.Sqrt(spectrum.At(bpm / 60)) * Math.Exp(-0.5 * Math.Pow(Math.Log2(bpm / PriorBpm) / PriorOctaves, 2));
            if (scores[lag] > scores[best])
            {
                best = lag;
            }
        }

        var beat = RefinedPeriod(correlation, best);
        var alternative = 0.0;
        foreach (var other in (ReadOnlySpan<double>)[best / 2.0, best * 2.0])
        {
            var (first, last) = ((int)Math.Floor(other * 0.97), (int)Math.Ceiling(other * 1.03));
            if (first >= shortest && last <= longest && scores[ArgMax(scores, first, last)] >= Close * scores[best])
            {
                alternative = 60 / (RefinedPeriod(correlation, ArgMax(scores, first, last)) * hopSeconds);
            }
        }

        return new TempoEstimate(60 / (beat * hopSeconds), Supported(Accents(envelope, bass), beat), alternative);
    }

    /// <summary>Each frame's accent: the full-band and the bass band's flux, each over its own mean, so that a kick
    /// counts as much as a snare however little of the spectrum it moves.</summary>
    private static float[] Accents(float[] envelope, float[] bass)
    {
        var (full, low) = (envelope.Average(), bass.Average());
        var accents = new float[envelope.Length];
        for (var i = 0; i < accents.Length; i++)
        {
            accents[i] = (full > 0 ? envelope[i] / full : 0) + (low > 0 ? bass[i] / low : 0);
        }

        return accents;
    }

    /// <summary>Beats tracked at one period: each the strongest accent within a tenth of a period of where the last
    /// beat predicts it.</summary>
    /// <returns>The share of them on an accent at least twice the clip's mean.</returns>
    private static double Supported(float[] accents, double period)
    {
        var reach = Math.Max(1, (int)Math.Round(0.1 * period));
        var position = ArgMax(accents, 0, Math.Min(accents.Length - 1, (int)Math.Ceiling(period)));
        var beats = new List<double>();
        while (true)
        {
            beats.Add(accents[position]);
            var predicted = (int)Math.Round(position + period);
            if (predicted + reach >= accents.Length)
            {
                break;
            }

            position = ArgMax(accents, predicted - reach, predicted + reach);
        }

        var mean = accents.Average();
        return beats.Count == 0 ? 0 : (double)beats.Count(b => b >= 2 * mean) / beats.Count;
    }

    private static int ArgMax<T>(T[] values, int first, int last)
        where T : System.Numerics.INumber<T>
    {
        var best = Math.Max(0, first);
        for (var i = best; i <= Math.Min(last, values.Length - 1); i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
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
