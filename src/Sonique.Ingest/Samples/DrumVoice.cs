namespace Sonique.Ingest.Samples;

/// <summary>Renders one drum hit, adding it into a buffer that starts at the hit.</summary>
internal static class DrumVoice
{
    public static void Render(Drum drum, Span<double> into, double level, ref SplitMix64 noise)
    {
        switch (drum)
        {
            case Drum.Kick:
                Kick(into, level, ref noise);
                break;
            case Drum.Snare:
                Snare(into, level, ref noise);
                break;
            case Drum.Clap:
                Clap(into, level, ref noise);
                break;
            case Drum.ClosedHat:
                Hat(into, level, 0.025, ref noise);
                break;
            case Drum.OpenHat:
                Hat(into, level, 0.12, ref noise);
                break;
            case Drum.Shaker:
                Shaker(into, level, ref noise);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(drum), drum, "No such drum.");
        }
    }

    private static int Length(Span<double> into, double seconds) => Math.Min(into.Length, (int)(seconds * Wave.SampleRate));

    /// <summary>A sine whose pitch falls fast from about 170 Hz to 48 Hz, with a click of noise on top.</summary>
    private static void Kick(Span<double> into, double level, ref SplitMix64 noise)
    {
        var pitchFade = Wave.Decay(0.035);
        var fade = Wave.Decay(0.18);
        var click = (int)(0.0015 * Wave.SampleRate);
        double phase = 0, pitch = 1.0, gain = 1.0;
        for (var i = 0; i < Length(into, 0.45); i++)
        {
            var body = Wave.Sine(phase) * gain;
            var attack = i < click ? 0.3 * noise.NextSigned() : 0.0;
            into[i] += level * (body + attack);
            phase = Wave.Advance(phase, (48.0 + (120.0 * pitch)) / Wave.SampleRate);
            pitch *= pitchFade;
            gain *= fade;
        }
    }

    private static void Snare(Span<double> into, double level, ref SplitMix64 noise)
    {
        var toneFade = Wave.Decay(0.04);
        var noiseFade = Wave.Decay(0.07);
        double phase = 0, tone = 0.6, rattle = 1.0, previous = 0;
        for (var i = 0; i < Length(into, 0.3); i++)
        {
            var white = noise.NextSigned();
            // A first difference tilts the noise towards the top: the snare wires, not a hiss.
            into[i] += level * ((tone * Wave.Sine(phase)) + (0.6 * rattle * (white - previous)));
            previous = white;
            phase = Wave.Advance(phase, 185.0 / Wave.SampleRate);
            tone *= toneFade;
            rattle *= noiseFade;
        }
    }

    /// <summary>Three quick bursts of band-passed noise and a short tail: hands clapping not quite together.</summary>
    private static void Clap(Span<double> into, double level, ref SplitMix64 noise)
    {
        var burstFade = Wave.Decay(0.006);
        var tailFade = Wave.Decay(0.08);
        var spacing = (int)(0.011 * Wave.SampleRate);
        var filter = Wave.LowPass(2500.0);
        double gain = 0, previous = 0, smoothed = 0;
        for (var i = 0; i < Length(into, 0.35); i++)
        {
            if (i % spacing == 0 && i <= 3 * spacing)
            {
                gain = 1.0;
            }

            var white = noise.NextSigned();
            smoothed += filter * ((white - previous) - smoothed);
            previous = white;
            into[i] += level * 1.5 * gain * smoothed;
            gain *= i < 3 * spacing ? burstFade : tailFade;
        }
    }

    /// <summary>Noise with a second difference, so only the top of the spectrum is left.</summary>
    private static void Hat(Span<double> into, double level, double decaySeconds, ref SplitMix64 noise)
    {
        var fade = Wave.Decay(decaySeconds);
        double gain = 1.0, previous = 0, beforePrevious = 0;
        for (var i = 0; i < Length(into, decaySeconds * 5.0); i++)
        {
            var white = noise.NextSigned();
            into[i] += level * 0.5 * gain * (white - (2.0 * previous) + beforePrevious);
            beforePrevious = previous;
            previous = white;
            gain *= fade;
        }
    }

    private static void Shaker(Span<double> into, double level, ref SplitMix64 noise)
    {
        var attack = (int)(0.012 * Wave.SampleRate);
        var fade = Wave.Decay(0.035);
        double gain = 0, previous = 0;
        for (var i = 0; i < Length(into, 0.15); i++)
        {
            gain = i < attack ? (double)i / attack : gain * fade;
            var white = noise.NextSigned();
            into[i] += level * gain * (white - previous);
            previous = white;
        }
    }
}
