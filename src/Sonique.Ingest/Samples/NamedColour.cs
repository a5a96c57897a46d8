namespace Sonique.Ingest.Samples;

/// <summary>A colour as a describer would name it, and the value drawn: "navy", "#141B4D".</summary>
public sealed record NamedColour(string Name, string Hex);
