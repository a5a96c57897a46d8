using Sonique.Media.Music;

namespace Sonique.Analysis.Audio.Features;

/// <summary>
/// Words for what <see cref="SoundFeatures"/> measured, in the original's tag vocabulary (genre, instruments,
/// mood, tempo). Moods follow Russell's circumplex: arousal from tempo and onset density, valence from the
/// mode. A genre needs a pulse (a tempo above 0) and, where it names one, a known mode; audio with no third gets
/// no mode tag and moods from arousal alone; audio with no pulse (silence, a held tone) no tempo band, no genre
/// and no percussion.
/// The rules are fixed, ordered (genre, sound, mood, tempo, key) and documented in the README:
/// <code>
/// Ambient          tempo &lt; 80 and &lt; 2.5 onsets/s          | Heavy Bass   bass share ≥ 0.85
/// Ballad           tempo &lt; 100, major, &lt; 4 onsets/s         | Bass         bass share 0.5 to 0.85
/// Acoustic         centroid ≥ 500 Hz and flatness ≥ 0.018      | Drums        ≥ 3 onsets/s
/// Dance            tempo 118 to 140, major, ≥ 3 onsets/s       | Soft Percussion 1 to 3 onsets/s
/// Funk             tempo 100 to 128, minor, ≥ 4 onsets/s       | Hi-Hats      high share ≥ 0.01 and ≥ 3 onsets/s
/// Rock             tempo ≥ 140, minor or no third, ≥ 4 onsets/s| Bright / Warm / Dark Tone  centroid ≥ 600 / ≥ 250 / below
/// Electronic       bass share ≥ 0.85 and ≥ 3 onsets/s          | Atmospheric  &lt; 2 onsets/s and dynamics &lt; 2.5 dB
/// Loud / Quiet     loudness ≥ -12 / &lt; -24 dBFS               | Dynamic      dynamics ≥ 6 dB
/// arousal: high when tempo ≥ 120 or ≥ 4.5 onsets/s, low when tempo &lt; 90 and &lt; 3 onsets/s, else medium
/// high, major: Energetic, Happy, Upbeat     | high, minor: Intense, Dark, and Aggressive from 140 BPM
/// medium, major: Cheerful, Relaxed          | medium, minor: Cool, Groovy
/// low, major: Calm, Hopeful, Gentle         | low, minor: Melancholic, Dreamy, Calm
/// no third: Energetic, Intense (high) | Cool, Relaxed (medium) | Calm, Dreamy (low)
/// Slow Tempo below 90 BPM, Medium Tempo below 120, Fast Tempo from 120; Major Key or Minor Key (a third only)
/// </code>
/// </summary>
public static class TagRules
{
    private enum Arousal
    {
        Low,
        Medium,
        High,
    }

    public static IReadOnlyList<string> Tags(SoundFeatures f)
    {
        var tags = new List<string>();
        var minor = f.ModeKnown && f.Key.Mode == Mode.Minor;
        var major = f.ModeKnown && f.Key.Mode == Mode.Major;
        var o = f.OnsetsPerSecond;
        var t = f.TempoBpm;
        var pulse = t > 0;

        Add(tags, "Ambient", pulse && t < 80 && o < 2.5);
        Add(tags, "Ballad", pulse && t < 100 && major && o < 4);
        Add(tags, "Acoustic", f.CentroidHertz >= 500 && f.Flatness >= 0.018);
        Add(tags, "Dance", t is >= 118 and <= 140 && major && o >= 3);
        Add(tags, "Funk", t is >= 100 and < 128 && minor && o >= 4);
        Add(tags, "Rock", t >= 140 && !major && o >= 4);
        Add(tags, "Electronic", pulse && f.BassShare >= 0.85 && o >= 3);

        Add(tags, "Heavy Bass", f.BassShare >= 0.85);
        Add(tags, "Bass", f.BassShare is >= 0.5 and < 0.85);
        Add(tags, "Drums", pulse && o >= 3);
        Add(tags, "Soft Percussion", pulse && o is >= 1 and < 3);
        Add(tags, "Hi-Hats", pulse && f.HighShare >= 0.01 && o >= 3);
        Add(tags, f.CentroidHertz >= 600 ? "Bright" : f.CentroidHertz >= 250 ? "Warm" : "Dark Tone", f.CentroidHertz > 0);
        Add(tags, "Atmospheric", o < 2 && f.DynamicsDb < 2.5);
        Add(tags, "Loud", f.LoudnessDb >= -12);
        Add(tags, "Quiet", f.LoudnessDb < -24);
        Add(tags, "Dynamic", f.DynamicsDb >= 6);

        var arousal = t >= 120 || o >= 4.5 ? Arousal.High : t < 90 && o < 3 ? Arousal.Low : Arousal.Medium;
        tags.AddRange(!f.ModeKnown ? arousal switch
        {
            Arousal.High => ["Energetic", "Intense"],
            Arousal.Medium => ["Cool", "Relaxed"],
            _ => ["Calm", "Dreamy"],
        }
        : (arousal, minor) switch
        {
            (Arousal.High, false) => ["Energetic", "Happy", "Upbeat"],
            (Arousal.High, true) => t >= 140 ? ["Intense", "Dark", "Aggressive"] : ["Intense", "Dark"],
            (Arousal.Medium, false) => ["Cheerful", "Relaxed"],
            (Arousal.Medium, true) => ["Cool", "Groovy"],
            (Arousal.Low, false) => ["Calm", "Hopeful", "Gentle"],
            _ => ["Melancholic", "Dreamy", "Calm"],
        });

        Add(tags, t < 90 ? "Slow Tempo" : t < 120 ? "Medium Tempo" : "Fast Tempo", pulse);
        Add(tags, minor ? "Minor Key" : "Major Key", f.ModeKnown);
        return tags;
    }

    private static void Add(List<string> tags, string tag, bool when)
    {
        if (when)
        {
            tags.Add(tag);
        }
    }
}
