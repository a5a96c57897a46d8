namespace Sonique.Ingest.Samples;

/// <summary>
/// Renders one note of a <see cref="Timbre"/>, adding it into a buffer that starts at the note's onset. The
/// note is held for <c>hold</c> samples, then released; it stops when silent or when the buffer ends.
/// </summary>
internal static class PitchedVoice
{
    public static void Render(Timbre timbre, Span<double> into, double frequency, int hold, double level, ref SplitMix64 noise)
    {
        switch (timbre)
        {
            case Timbre.Pad:
                Pad(into, frequency, hold, level);
                break;
            case Timbre.Sine:
                Sine(into, frequency, hold, level);
                break;
            case Timbre.Piano:
                Piano(into, frequency, hold, level);
                break;
            case Timbre.Pluck:
                Pluck(into, frequency, hold, level, ref noise);
                break;
            case Timbre.ElectricPiano:
                ElectricPiano(into, frequency, hold, level);
                break;
            case Timbre.Square:
                Square(into, frequency, hold, level);
                break;
            case Timbre.Saw:
                Saw(into, frequency, hold, level);
                break;
            case Timbre.Distorted:
                Distorted(into, frequency, hold, level);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(timbre), timbre, "No such timbre.");
        }
    }

    private static void Pad(Span<double> into, double frequency, int hold, double level)
    {
        var envelope = new Envelope(0.25, 1.0, 1.0, 0.4);
        var up = frequency * 1.001 / Wave.SampleRate;
        var down = frequency * 0.999 / Wave.SampleRate;
        var filter = Wave.LowPass(Math.Min(4.0 * frequency, 3000.0));
        double phaseUp = 0, phaseDown = 0.37, smoothed = 0;
        for (var i = 0; i < into.Length; i++)
        {
            var held = i < hold;
            var gain = envelope.Next(held);
            if (envelope.IsOver(held))
            {
                return;
            }

            smoothed += filter * ((0.5 * (Wave.Saw(phaseUp, up) + Wave.Saw(phaseDown, down))) - smoothed);
            into[i] += level * gain * smoothed;
            phaseUp = Wave.Advance(phaseUp, up);
            phaseDown = Wave.Advance(phaseDown, down);
        }
    }

    private static void Sine(Span<double> into, double frequency, int hold, double level)
    {
        var envelope = new Envelope(0.005, 0.6, 0.55, 0.06);
        var increment = frequency / Wave.SampleRate;
        double phase = 0;
        for (var i = 0; i < into.Length; i++)
        {
            var held = i < hold;
            var gain = envelope.Next(held);
            if (envelope.IsOver(held))
            {
                return;
            }

            // The octave above makes a sub bass audible on small speakers and visible to a chromagram.
            into[i] += level * gain * (Wave.Sine(phase) + (0.3 * Wave.Sine(2.0 * phase))) / 1.3;
            phase = Wave.Advance(phase, increment);
        }
    }

    private static void Piano(Span<double> into, double frequency, int hold, double level)
    {
        ReadOnlySpan<double> amplitudes = [1.0, 0.55, 0.35, 0.2, 0.12, 0.08];
        var harmonics = Math.Min(amplitudes.Length, (int)(16000.0 / frequency));
        Span<double> partials = stackalloc double[amplitudes.Length];
        Span<double> fades = stackalloc double[amplitudes.Length];
        var norm = 0.0;
        for (var n = 0; n < harmonics; n++)
        {
            partials[n] = amplitudes[n];
            // Higher harmonics die sooner, which is most of what makes a struck string sound struck.
            fades[n] = Wave.Decay(1.4 / (n + 1));
            norm += amplitudes[n];
        }

        var envelope = new Envelope(0.003, 2.5, 0.0, 0.08);
        var increment = frequency / Wave.SampleRate;
        double phase = 0;
        for (var i = 0; i < into.Length; i++)
        {
            var held = i < hold;
            var gain = envelope.Next(held);
            if (envelope.IsOver(held))
            {
                return;
            }

            // sin(n x) by the Chebyshev recurrence from sin x and cos x: two table reads for all six harmonics.
            var sine = Wave.Sine(phase);
            var twiceCosine = 2.0 * Wave.Sine(phase + 0.25);
            double below = 0, current = sine, sum = 0;
            for (var n = 0; n < harmonics; n++)
            {
                sum += partials[n] * current;
                partials[n] *= fades[n];
                (below, current) = (current, (twiceCosine * current) - below);
            }

            into[i] += level * gain * sum / norm;
            phase = Wave.Advance(phase, increment);
        }
    }

    /// <summary>Karplus-Strong: a burst of noise in a delay line one period long, averaged as it circulates.</summary>
    private static void Pluck(Span<double> into, double frequency, int hold, double level, ref SplitMix64 noise)
    {
        // The averaging filter adds half a sample of delay, so the line is half a sample shorter than the period.
        var length = Math.Max(2, (int)Math.Round((Wave.SampleRate / frequency) - 0.5));
        var line = new double[length];
        var previous = 0.0;
        for (var i = 0; i < length; i++)
        {
            var sample = noise.NextSigned();
            line[i] = 0.5 * (sample + previous);
            previous = sample;
        }

        var feedback = 1.0 - (1.0 / (1.2 * frequency));
        var damping = Wave.Decay(0.05);
        var muted = 1.0;
        var index = 0;
        for (var i = 0; i < into.Length; i++)
        {
            if (i >= hold)
            {
                muted *= damping;
                if (muted < Envelope.Silence)
                {
                    return;
                }
            }

            var next = index + 1 == length ? 0 : index + 1;
            var output = line[index];
            line[index] = feedback * 0.5 * (output + line[next]);
            into[i] += level * muted * output;
            index = next;
        }
    }

    /// <summary>Phase modulation with a fading index: a bell-like attack that settles into a soft tine.</summary>
    private static void ElectricPiano(Span<double> into, double frequency, int hold, double level)
    {
        var envelope = new Envelope(0.002, 1.0, 0.0, 0.12);
        var increment = frequency / Wave.SampleRate;
        var indexFade = Wave.Decay(0.25);
        double phase = 0, index = 0.3;
        for (var i = 0; i < into.Length; i++)
        {
            var held = i < hold;
            var gain = envelope.Next(held);
            if (envelope.IsOver(held))
            {
                return;
            }

            into[i] += level * gain * Wave.Sine(phase + (index * Wave.Sine(phase)));
            index = 0.05 + ((index - 0.05) * indexFade);
            phase = Wave.Advance(phase, increment);
        }
    }

    private static void Square(Span<double> into, double frequency, int hold, double level)
    {
        var envelope = new Envelope(0.005, 0.25, 0.6, 0.05);
        var increment = frequency / Wave.SampleRate;
        var filter = Wave.LowPass(Math.Min(6.0 * frequency, 3500.0));
        double phase = 0, smoothed = 0;
        for (var i = 0; i < into.Length; i++)
        {
            var held = i < hold;
            var gain = envelope.Next(held);
            if (envelope.IsOver(held))
            {
                return;
            }

            smoothed += filter * (Wave.Square(phase, increment) - smoothed);
            into[i] += level * gain * smoothed;
            phase = Wave.Advance(phase, increment);
        }
    }

    /// <summary>Two detuned saws through a low-pass that closes after the attack: the classic pluck of dance music.</summary>
    private static void Saw(Span<double> into, double frequency, int hold, double level)
    {
        var envelope = new Envelope(0.004, 0.2, 0.45, 0.06);
        var up = frequency * 1.004 / Wave.SampleRate;
        var down = frequency * 0.996 / Wave.SampleRate;
        var sweepFade = Wave.Decay(0.12);
        double phaseUp = 0, phaseDown = 0.5, sweep = 1.0, smoothed = 0;
        for (var i = 0; i < into.Length; i++)
        {
            var held = i < hold;
            var gain = envelope.Next(held);
            if (envelope.IsOver(held))
            {
                return;
            }

            var filter = Wave.LowPass((1.5 * frequency) + (3500.0 * sweep));
            smoothed += filter * ((0.5 * (Wave.Saw(phaseUp, up) + Wave.Saw(phaseDown, down))) - smoothed);
            into[i] += level * gain * smoothed;
            sweep *= sweepFade;
            phaseUp = Wave.Advance(phaseUp, up);
            phaseDown = Wave.Advance(phaseDown, down);
        }
    }

    private static void Distorted(Span<double> into, double frequency, int hold, double level)
    {
        var envelope = new Envelope(0.003, 0.4, 0.8, 0.05);
        var sawStep = frequency / Wave.SampleRate;
        var squareStep = frequency * 1.006 / Wave.SampleRate;
        var filter = Wave.LowPass(3000.0);
        double sawPhase = 0, squarePhase = 0.25, smoothed = 0;
        for (var i = 0; i < into.Length; i++)
        {
            var held = i < hold;
            var gain = envelope.Next(held);
            if (envelope.IsOver(held))
            {
                return;
            }

            var driven = Wave.SoftClip(4.0 * gain * ((0.6 * Wave.Saw(sawPhase, sawStep)) + (0.6 * Wave.Square(squarePhase, squareStep))));
            smoothed += filter * (driven - smoothed);
            into[i] += level * smoothed;
            sawPhase = Wave.Advance(sawPhase, sawStep);
            squarePhase = Wave.Advance(squarePhase, squareStep);
        }
    }
}
