namespace Sonique.Ingest.Samples;

/// <summary>One drum of an arrangement: a bar of sixteenths where 'x' hits and 'o' is a ghost note at half level.</summary>
public sealed record DrumPart(Drum Drum, string Rhythm, double Level);
