namespace Sonique.Tests.Shared.Evaluation;

/// <summary>
/// Renders an <see cref="EvaluationClip"/>: a beat grid (drifting where the style drifts), the style's drum
/// pattern and parts, then noise or reverb where the style calls for them. Its own voices and patterns, written
/// apart from the sample library's synthesiser so that nothing the estimators learnt there carries over for free.
/// </summary>
internal static class EvaluationSynth
{
    private const double DriftDepth = 0.025;

    // Scale degrees as semitones above the tonic: chords are built from these, by third.
    private static readonly int[] MajorScale = [0, 2, 4, 5, 7, 9, 11];
    private static readonly int[] HarmonicMinorScale = [0, 2, 3, 5, 7, 8, 11];
    private static readonly int[] HijazScale = [0, 1, 4, 5, 7, 8, 10];
    private static readonly int[] HirajoshiScale = [0, 2, 3, 7, 8];

    // A chord is every other scale degree from its root.
    private static readonly int[] TriadSteps = [0, 2, 4];

    // Progressions as scale degrees (0 = the tonic's chord), one chord a bar; every one starts at home.
    private static readonly int[][] MajorProgressions = [[0, 4, 5, 3], [0, 3, 4, 0], [0, 5, 3, 4]];
    private static readonly int[][] MinorProgressions = [[0, 3, 4, 0], [0, 5, 3, 4], [0, 3, 0, 4]];

    // Open-fifth roots above the tonic: I5 bVII5 IV5 I5 and I5 IV5 V5 I5.
    private static readonly int[][] FifthProgressions = [[0, 10, 5, 0], [0, 5, 7, 0]];

    public static float[] Render(EvaluationClip clip, int sampleRate, double seconds)
    {
        var random = new Random(clip.Seed);
        var mix = new Mix(new float[(int)(seconds * sampleRate)], sampleRate, random);
        var grid = BeatGrid(clip, seconds);
        var (beatsPerBar, sub) = clip.Style switch
        {
            EvaluationStyle.Waltz => (3, 0.5),
            EvaluationStyle.SixEight => (2, 1.0 / 3),
            _ => (4, 0.5),
        };
        var progression = Progression(clip, random);
        var bars = (int)Math.Ceiling(grid.Beats / beatsPerBar);
        for (var bar = 0; bar < bars; bar++)
        {
            var chord = progression[bar % progression.Length];
            var start = bar * beatsPerBar;
            Drums(clip.Style, mix, grid, start, beatsPerBar, sub, random);
            Parts(clip, mix, grid, start, beatsPerBar, sub, chord, random);
        }

        if (clip.Style == EvaluationStyle.NoisyRock)
        {
            mix.Noise(0.25);
        }

        var samples = clip.Style == EvaluationStyle.ReverbPiano ? Reverb(mix.Samples, sampleRate, wet: 0.7) : mix.Samples;
        var peak = samples.Max(Math.Abs);
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] *= 0.9f / peak;
        }

        return samples;
    }

    /// <summary>The time of each beat (and one past the end): steady, or swaying ±2.5% once over the clip
    /// around the counted tempo.</summary>
    private static Grid BeatGrid(EvaluationClip clip, double seconds)
    {
        var times = new List<double> { 0 };
        while (times[^1] < seconds + 2)
        {
            var t = times[^1];
            var sway = clip.Style == EvaluationStyle.DriftingRock ? DriftDepth * Math.Sin(2 * Math.PI * t / seconds) : 0;
            times.Add(t + (60 / (clip.TempoBpm * (1 + sway))));
        }

        return new Grid([.. times], seconds);
    }

    private sealed class Grid(double[] times, double seconds)
    {
        /// <summary>How many beats fit in the clip.</summary>
        public double Beats { get; } = times.Count(t => t < seconds);

        public double Beat => times[1] - times[0];

        /// <summary>The time of a (fractional) beat, between the grid's beats by straight line.</summary>
        public double At(double beat)
        {
            var whole = (int)Math.Floor(beat);
            return whole + 1 >= times.Length ? double.MaxValue : times[whole] + ((beat - whole) * (times[whole + 1] - times[whole]));
        }
    }

    private static int[][] Progression(EvaluationClip clip, Random random)
    {
        if (clip.Third == Third.None)
        {
            return [.. FifthProgressions[random.Next(FifthProgressions.Length)].Select(root => new[] { clip.Tonic + root, clip.Tonic + root + 7 })];
        }

        if (clip.Style is EvaluationStyle.HijazWithFrameDrum or EvaluationStyle.HirajoshiPlucks)
        {
            // A drone on the tonic and its fifth under the melody: the scale, not a progression, is the key.
            return [[clip.Tonic, clip.Tonic + 7]];
        }

        var (scale, progressions) = clip.Third == Third.Major ? (MajorScale, MajorProgressions) : (HarmonicMinorScale, MinorProgressions);
        return [.. progressions[random.Next(progressions.Length)].Select(degree =>
            TriadSteps.Select(step => clip.Tonic + scale[(degree + step) % 7] + (degree + step >= 7 ? 12 : 0)).ToArray())];
    }

    private static void Drums(EvaluationStyle style, Mix mix, Grid grid, int start, int beatsPerBar, double sub, Random random)
    {
        void Hit(Voice voice, double beat, double velocity) => mix.Drum(voice, grid.At(start + beat), velocity * (0.9 + (0.2 * random.NextDouble())));
        void Each(Voice voice, double step, double velocity, double accent)
        {
            for (var b = 0.0; b < beatsPerBar - 1e-9; b += step)
            {
                Hit(voice, b, Math.Abs(b - Math.Round(b)) < 1e-9 ? accent : velocity);
            }
        }

        switch (style)
        {
            case EvaluationStyle.Rock or EvaluationStyle.DriftingRock or EvaluationStyle.NoisyRock or EvaluationStyle.PowerChords:
                foreach (var b in (double[])[0, 2, 2.5])
                {
                    Hit(Voice.Kick, b, 1);
                }

                Hit(Voice.Snare, 1, 0.9);
                Hit(Voice.Snare, 3, 0.9);
                Each(Voice.ClosedHat, 0.5, 0.35, 0.5);
                break;
            case EvaluationStyle.FourOnTheFloor:
                Each(Voice.Kick, 1, 1, 1);
                Hit(Voice.Clap, 1, 0.7);
                Hit(Voice.Clap, 3, 0.7);
                foreach (var b in (double[])[0.5, 1.5, 2.5, 3.5])
                {
                    Hit(Voice.OpenHat, b, 0.5);
                }

                Each(Voice.ClosedHat, 0.25, 0.15, 0.2);
                break;
            case EvaluationStyle.Breakbeat:
                foreach (var b in (double[])[0, 0.75, 2.5])
                {
                    Hit(Voice.Kick, b, 1);
                }

                Hit(Voice.Snare, 1, 0.9);
                Hit(Voice.Snare, 1.75, 0.35);
                Hit(Voice.Snare, 3, 0.9);
                Hit(Voice.Snare, 3.5, 0.35);
                Each(Voice.ClosedHat, 0.25, 0.2, 0.35);
                break;
            case EvaluationStyle.HalfTime:
                Hit(Voice.Kick, 0, 1);
                Hit(Voice.Kick, 1.5, 0.8);
                Hit(Voice.Snare, 2, 1);
                Each(Voice.ClosedHat, 0.5, 0.3, 0.45);
                break;
            case EvaluationStyle.Shuffle:
                Hit(Voice.Kick, 0, 1);
                Hit(Voice.Kick, 2, 1);
                Hit(Voice.Snare, 1, 0.85);
                Hit(Voice.Snare, 3, 0.85);
                for (var b = 0; b < beatsPerBar; b++)
                {
                    Hit(Voice.ClosedHat, b, 0.5);
                    Hit(Voice.ClosedHat, b + (2.0 / 3), 0.3);
                }

                break;
            case EvaluationStyle.Waltz:
                Hit(Voice.Kick, 0, 1);
                Hit(Voice.Snare, 1, 0.5);
                Hit(Voice.Snare, 2, 0.5);
                Each(Voice.ClosedHat, 1, 0.3, 0.3);
                break;
            case EvaluationStyle.SixEight:
                Hit(Voice.Kick, 0, 1);
                Hit(Voice.Snare, 1, 0.8);
                Each(Voice.ClosedHat, sub, 0.3, 0.45);
                break;
            case EvaluationStyle.HijazWithFrameDrum:
                // Maqsum: doum, tek, (rest), tek, doum, (rest), tek, (rest), in eighths.
                Hit(Voice.Doum, 0, 1);
                Hit(Voice.Tek, 0.5, 0.6);
                Hit(Voice.Tek, 1.5, 0.6);
                Hit(Voice.Doum, 2, 0.9);
                Hit(Voice.Tek, 3, 0.7);
                break;
            case EvaluationStyle.HirajoshiPlucks:
                Hit(Voice.Tek, 0, 0.5);
                Hit(Voice.Tek, 2, 0.35);
                break;
        }
    }

    private static void Parts(EvaluationClip clip, Mix mix, Grid grid, int start, int beatsPerBar, double sub, int[] chord, Random random)
    {
        var root = chord[0];
        var beat = grid.Beat;
        var bass = 36 + Wrap(root);
        var bar = beatsPerBar * beat;
        switch (clip.Style)
        {
            case EvaluationStyle.Rock or EvaluationStyle.DriftingRock or EvaluationStyle.NoisyRock or EvaluationStyle.Breakbeat or EvaluationStyle.Shuffle:
                for (var b = 0; b < beatsPerBar; b++)
                {
                    mix.Note(Voice.Bass, bass, grid.At(start + b), 0.9 * beat, b == 0 ? 0.8 : 0.6);
                }

                Chord(mix, Voice.Pad, chord, 60, grid.At(start), bar, 0.25);
                break;
            case EvaluationStyle.PowerChords:
                for (var b = 0.0; b < beatsPerBar; b += 0.5)
                {
                    mix.Note(Voice.Bass, bass, grid.At(start + b), 0.45 * beat, 0.6);
                    Chord(mix, Voice.Pluck, [root, root + 7, root + 12], 48, grid.At(start + b), 0.45 * beat, b % 1 == 0 ? 0.35 : 0.25);
                }

                break;
            case EvaluationStyle.FourOnTheFloor:
                for (var b = 0.5; b < beatsPerBar; b += 1)
                {
                    mix.Note(Voice.Bass, bass, grid.At(start + b), 0.4 * beat, 0.7);
                }

                Chord(mix, Voice.Pad, chord, 60, grid.At(start), bar, 0.2);
                break;
            case EvaluationStyle.HalfTime:
                mix.Note(Voice.Bass, bass, grid.At(start), 1.4 * beat, 0.8);
                mix.Note(Voice.Bass, bass, grid.At(start + 1.5), 1.4 * beat, 0.6);
                Chord(mix, Voice.Pad, chord, 60, grid.At(start), bar, 0.25);
                break;
            case EvaluationStyle.Waltz:
                mix.Note(Voice.Bass, bass, grid.At(start), 0.9 * beat, 0.8);
                Chord(mix, Voice.Piano, chord, 60, grid.At(start + 1), 0.8 * beat, 0.3);
                Chord(mix, Voice.Piano, chord, 60, grid.At(start + 2), 0.8 * beat, 0.3);
                break;
            case EvaluationStyle.SixEight:
                mix.Note(Voice.Bass, bass, grid.At(start), 0.9 * beat, 0.8);
                mix.Note(Voice.Bass, 36 + Wrap(root + 7), grid.At(start + 1), 0.9 * beat, 0.6);
                for (var e = 0; e < 6; e++)
                {
                    mix.Note(Voice.Pluck, 60 + Wrap(chord[e % chord.Length]) + (e >= 3 ? 12 : 0), grid.At(start + (e * sub)), sub * beat, e % 3 == 0 ? 0.35 : 0.2);
                }

                break;
            case EvaluationStyle.Arpeggio:
                mix.Note(Voice.Bass, bass, grid.At(start), bar, 0.6);
                for (var s = 0; s < beatsPerBar * 2; s++)
                {
                    var tone = s % 4 == 3 ? root + 12 : chord[s % 4 % chord.Length];
                    mix.Note(Voice.Pluck, 60 + Wrap(tone) + (tone >= root + 12 ? 12 : 0), grid.At(start + (s * 0.5)), 0.5 * beat, s % 2 == 0 ? 0.5 : 0.3);
                }

                break;
            case EvaluationStyle.PianoChords or EvaluationStyle.ReverbPiano:
                mix.Note(Voice.Piano, bass, grid.At(start), 2 * beat, 0.6);
                mix.Note(Voice.Piano, bass, grid.At(start + 2), 2 * beat, 0.45);
                for (var b = 0; b < beatsPerBar; b++)
                {
                    Chord(mix, Voice.Piano, chord, 60, grid.At(start + b), beat, b == 0 ? 0.35 : 0.25);
                }

                break;
            case EvaluationStyle.PadAndBass:
                Chord(mix, Voice.Pad, chord, 60, grid.At(start), bar, 0.3);
                for (var b = 0; b < beatsPerBar; b++)
                {
                    mix.Note(Voice.Bass, b % 2 == 0 ? bass : 36 + Wrap(root + 7), grid.At(start + b), 0.8 * beat, b == 0 ? 0.8 : 0.55);
                }

                break;
            case EvaluationStyle.HijazWithFrameDrum or EvaluationStyle.HirajoshiPlucks:
                var scale = clip.Style == EvaluationStyle.HijazWithFrameDrum ? HijazScale : HirajoshiScale;
                Chord(mix, Voice.Pad, [clip.Tonic, clip.Tonic + 7], 48, grid.At(start), bar, 0.25);
                var step = random.Next(scale.Length);
                for (var b = 0.0; b < beatsPerBar; b += 0.5)
                {
                    // A melody that walks the scale and leans on the tonic on every downbeat.
                    step = b == 0 ? 0 : Math.Clamp(step + random.Next(-2, 3), 0, scale.Length * 2 - 1);
                    var pitch = 60 + Wrap(clip.Tonic) + scale[step % scale.Length] + (12 * (step / scale.Length));
                    mix.Note(Voice.Pluck, pitch, grid.At(start + b), 0.5 * beat, b % 1 == 0 ? 0.45 : 0.3);
                }

                break;
        }
    }

    private static void Chord(Mix mix, Voice voice, int[] pitchClasses, int octave, double time, double length, double velocity)
    {
        foreach (var pc in pitchClasses)
        {
            mix.Note(voice, octave + Wrap(pc) + (pc - pitchClasses[0] >= 12 ? 12 : 0), time, length, velocity);
        }
    }

    private static int Wrap(int pitchClass) => ((pitchClass % 12) + 12) % 12;

    /// <summary>Schroeder's reverberator: four parallel combs into two all-passes (a hall's tail of about 2 s).</summary>
    private static float[] Reverb(float[] dry, int sampleRate, double wet)
    {
        var scale = sampleRate / 44100.0;
        var tail = new double[dry.Length];
        foreach (var delay in (int[])[1557, 1617, 1491, 1422])
        {
            var d = (int)(delay * scale * 1.6);
            var buffer = new double[dry.Length];
            for (var i = 0; i < dry.Length; i++)
            {
                buffer[i] = dry[i] + (i >= d ? 0.86 * buffer[i - d] : 0);
                tail[i] += buffer[i] / 4;
            }
        }

        foreach (var delay in (int[])[225, 556])
        {
            var d = (int)(delay * scale);
            var output = new double[dry.Length];
            for (var i = 0; i < dry.Length; i++)
            {
                output[i] = (-0.5 * tail[i]) + (i >= d ? tail[i - d] + (0.5 * output[i - d]) : 0);
            }

            tail = output;
        }

        var result = new float[dry.Length];
        for (var i = 0; i < dry.Length; i++)
        {
            result[i] = (float)(((1 - wet) * dry[i]) + (wet * tail[i]));
        }

        return result;
    }

    private enum Voice
    {
        Kick,
        Snare,
        Clap,
        ClosedHat,
        OpenHat,
        Doum,
        Tek,
        Bass,
        Pad,
        Piano,
        Pluck,
    }

    private sealed class Mix(float[] samples, int sampleRate, Random random)
    {
        public float[] Samples => samples;

        public void Noise(double level)
        {
            var rms = Math.Sqrt(samples.Average(x => (double)x * x));
            var low = 0.0;
            for (var i = 0; i < samples.Length; i++)
            {
                // White noise through a one-pole low-pass, half of each: a hiss with body, like tape or a crowd.
                var white = (2 * random.NextDouble()) - 1;
                low = (0.97 * low) + (0.03 * white);
                samples[i] += (float)(level * 4 * rms * ((0.5 * white) + (4 * low)));
            }
        }

        public void Drum(Voice voice, double time, double velocity)
        {
            if (time * sampleRate >= samples.Length)
            {
                return;
            }

            var first = (int)(time * sampleRate);

            var (length, previous) = (voice is Voice.OpenHat ? 0.35 : 0.3, 0.0);
            var phase = 0.0;
            for (var i = 0; i < length * sampleRate && first + i < samples.Length; i++)
            {
                var t = (double)i / sampleRate;
                var white = (2 * random.NextDouble()) - 1;
                double value;
                switch (voice)
                {
                    case Voice.Kick:
                        phase += 2 * Math.PI * (48 + (110 * Math.Exp(-t / 0.025))) / sampleRate;
                        value = Math.Sin(phase) * Math.Exp(-t / 0.18);
                        break;
                    case Voice.Doum:
                        phase += 2 * Math.PI * (85 + (40 * Math.Exp(-t / 0.01))) / sampleRate;
                        value = 0.9 * Math.Sin(phase) * Math.Exp(-t / 0.15);
                        break;
                    case Voice.Snare:
                        value = (0.6 * white * Math.Exp(-t / 0.07)) + (0.5 * Math.Sin(2 * Math.PI * 185 * t) * Math.Exp(-t / 0.04));
                        break;
                    case Voice.Clap:
                        var burst = t % 0.011 < 0.004 && t < 0.033 ? 1 : Math.Exp(-(t - 0.033) / 0.06);
                        value = 0.6 * white * Math.Min(1, burst);
                        break;
                    case Voice.Tek:
                        value = (0.5 * (white - previous) * Math.Exp(-t / 0.015)) + (0.3 * Math.Sin(2 * Math.PI * 620 * t) * Math.Exp(-t / 0.03));
                        break;
                    default:
                        // Differenced noise is a rough high-pass: the hat's hiss without its body.
                        value = 0.35 * (white - previous) * Math.Exp(-t / (voice == Voice.OpenHat ? 0.12 : 0.025));
                        break;
                }

                previous = white;
                samples[first + i] += (float)(velocity * value);
            }
        }

        public void Note(Voice voice, int midi, double time, double length, double velocity)
        {
            if (time * sampleRate >= samples.Length)
            {
                return;
            }

            var first = (int)(time * sampleRate);

            var hertz = 440 * Math.Pow(2, (midi - 69) / 12.0);
            var (partials, decay, attack, release) = voice switch
            {
                Voice.Bass => (3, 0.5, 0.005, 0.05),
                Voice.Pad => (5, 100.0, 0.25, 0.3),
                Voice.Piano => (7, 0.9, 0.003, 0.15),
                _ => (5, 0.35, 0.002, 0.05),
            };
            var total = (int)((length + release) * sampleRate);
            for (var k = 1; k <= partials; k++)
            {
                var partialHertz = hertz * k * (voice == Voice.Piano ? 1 + (0.0004 * k * k) : 1);
                if (partialHertz >= sampleRate / 2.0)
                {
                    break;
                }

                // A rotating phasor: one complex multiply a sample instead of a sine.
                var (stepCos, stepSin) = (Math.Cos(2 * Math.PI * partialHertz / sampleRate), Math.Sin(2 * Math.PI * partialHertz / sampleRate));
                var (cos, sin) = (1.0, 0.0);
                var amplitude = velocity * 0.5 / Math.Pow(k, voice == Voice.Pad ? 1.5 : 1.1);
                var partialDecay = decay / (1 + (0.4 * (k - 1)));
                for (var i = 0; i < total && first + i < samples.Length; i++)
                {
                    var t = (double)i / sampleRate;
                    var envelope = Math.Min(1, t / attack) * Math.Exp(-t / partialDecay) * (t > length ? Math.Max(0, 1 - ((t - length) / release)) : 1);
                    samples[first + i] += (float)(amplitude * envelope * sin);
                    (cos, sin) = ((cos * stepCos) - (sin * stepSin), (sin * stepCos) + (cos * stepSin));
                }
            }
        }
    }
}
