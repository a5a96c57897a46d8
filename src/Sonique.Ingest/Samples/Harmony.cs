using Sonique.Media.Music;

namespace Sonique.Ingest.Samples;

/// <summary>The chord of each bar: I-V-vi-IV in major, i-VI-III-VII in minor, and the tonic again on the last bar.</summary>
internal static class Harmony
{
    private static readonly (int Degree, bool IsMinor)[] MajorProgression = [(0, false), (7, false), (9, true), (5, false)];

    private static readonly (int Degree, bool IsMinor)[] MinorProgression = [(0, true), (8, false), (3, false), (10, false)];

    public static Chord OfBar(MusicalKey key, int bar, int bars)
    {
        var progression = key.Mode == Mode.Major ? MajorProgression : MinorProgression;
        // Ending on the tonic is what makes a cadence; it also tips a key finder away from the relative key.
        var (degree, isMinor) = bar == bars - 1 ? progression[0] : progression[bar % progression.Length];
        return new Chord((key.Root + degree) % 12, isMinor);
    }
}
