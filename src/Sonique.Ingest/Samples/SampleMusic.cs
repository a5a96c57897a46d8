using Sonique.Media.Music;

namespace Sonique.Ingest.Samples;

/// <summary>
/// Synthesises a clip's music from its mood's <see cref="Arrangement"/>, key and tempo: 44.1 kHz, 16-bit,
/// peaking at -1 dBFS, and mono, since every analyser downmixes anyway and one channel is half the work.
/// The same clip always gives the same samples, bit for bit (see <see cref="Wave"/>).
/// </summary>
public static class SampleMusic
{
    public const int SampleRate = Wave.SampleRate;

    /// <summary>-1 dBFS as a fraction of full scale.</summary>
    public const double Peak = 0.8912509381337456;

    // Mixed into the clip's seed so the music's noise is a stream of its own, apart from the plan's draws.
    private const ulong NoiseStream = 0x6D75736963;

    public static PcmAudio Render(SampleClip clip, CancellationToken cancellationToken = default)
    {
        var length = (int)Math.Round(clip.Seconds * SampleRate);
        var mix = new double[length];
        var grid = new BeatGrid(clip.TempoBpm, length);
        var noise = new SplitMix64(SplitMix64.Mix(clip.Seed ^ NoiseStream));
        var arrangement = clip.Profile.Arrangement;
        foreach (var part in arrangement.Parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RenderPart(part, clip.Key, grid, mix, ref noise);
        }

        foreach (var drum in arrangement.Drums)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RenderDrum(drum, grid, mix, ref noise);
        }

        return new PcmAudio(SampleRate, Normalised(mix));
    }

    private static void RenderPart(Part part, MusicalKey key, BeatGrid grid, double[] mix, ref SplitMix64 noise)
    {
        if (part.Role == PartRole.Drone)
        {
            PitchedVoice.Render(part.Timbre, mix, Wave.Frequency(MidiNote(key.Root, part.Octave)), mix.Length, part.Level, ref noise);
            return;
        }

        for (var bar = 0; bar < grid.Bars; bar++)
        {
            var chord = Harmony.OfBar(key, bar, grid.Bars);
            var arpeggioStep = 0;
            for (var s = 0; s < Arrangement.StepsPerBar; s++)
            {
                var letter = part.Rhythm[s];
                if (letter is '-' or '.')
                {
                    continue;
                }

                var step = (bar * Arrangement.StepsPerBar) + s;
                var onset = grid.Onset(step);
                if (onset >= mix.Length)
                {
                    return;
                }

                var steps = 1;
                while (s + steps < Arrangement.StepsPerBar && part.Rhythm[s + steps] == '-')
                {
                    steps++;
                }

                var hold = grid.Onset(step + steps) - onset;
                var notes = Notes(part, chord, letter, arpeggioStep++);
                foreach (var note in notes)
                {
                    PitchedVoice.Render(part.Timbre, mix.AsSpan(onset), Wave.Frequency(note), hold, part.Level / notes.Length, ref noise);
                }
            }
        }
    }

    private static int[] Notes(Part part, Chord chord, char letter, int arpeggioStep)
    {
        var tones = chord.PitchClasses.Select(pc => MidiNote(pc, part.Octave)).Order().ToArray();
        return part.Role switch
        {
            PartRole.Chord => tones,
            PartRole.Arpeggio => [tones[arpeggioStep % 3] + (12 * (arpeggioStep / 3 % 2))],
            PartRole.Bass => [MidiNote(chord.Root, part.Octave) + letter switch { 'o' => 12, '5' => 7, _ => 0 }],
            _ => throw new ArgumentOutOfRangeException(nameof(part), part.Role, "A drone is not played from the rhythm."),
        };
    }

    private static void RenderDrum(DrumPart drum, BeatGrid grid, double[] mix, ref SplitMix64 noise)
    {
        for (var bar = 0; bar < grid.Bars; bar++)
        {
            for (var s = 0; s < Arrangement.StepsPerBar; s++)
            {
                var letter = drum.Rhythm[s];
                if (letter is not ('x' or 'o'))
                {
                    continue;
                }

                var onset = grid.Onset((bar * Arrangement.StepsPerBar) + s);
                if (onset >= mix.Length)
                {
                    return;
                }

                DrumVoice.Render(drum.Drum, mix.AsSpan(onset), letter == 'x' ? drum.Level : drum.Level / 2, ref noise);
            }
        }
    }

    /// <summary>MIDI note of a pitch class in an octave of scientific pitch notation (C4 = 60).</summary>
    private static int MidiNote(int pitchClass, int octave) => (12 * (octave + 1)) + pitchClass;

    private static short[] Normalised(double[] mix)
    {
        var peak = 0.0;
        foreach (var sample in mix)
        {
            peak = Math.Max(peak, Math.Abs(sample));
        }

        var gain = peak > 0 ? Peak * short.MaxValue / peak : 0;
        var samples = new short[mix.Length];
        for (var i = 0; i < mix.Length; i++)
        {
            samples[i] = (short)Math.Round(mix[i] * gain);
        }

        return samples;
    }
}
