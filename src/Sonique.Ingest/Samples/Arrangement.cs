namespace Sonique.Ingest.Samples;

/// <summary>What a mood's music is made of: its pitched parts and its drums, over a repeating bar.</summary>
public sealed record Arrangement(IReadOnlyList<Part> Parts, IReadOnlyList<DrumPart> Drums)
{
    /// <summary>Sixteenth notes in a bar of four beats: the length of every rhythm string.</summary>
    public const int StepsPerBar = 16;
}
