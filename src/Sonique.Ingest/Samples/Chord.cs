namespace Sonique.Ingest.Samples;

/// <summary>A triad: its root as a pitch class and whether its third is minor.</summary>
internal readonly record struct Chord(int Root, bool IsMinor)
{
    public int[] PitchClasses => [Root, (Root + (IsMinor ? 3 : 4)) % 12, (Root + 7) % 12];
}
