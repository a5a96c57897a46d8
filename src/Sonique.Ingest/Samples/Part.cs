namespace Sonique.Ingest.Samples;

/// <summary>
/// One pitched line of an arrangement. <see cref="Rhythm"/> is one bar of sixteenth notes (16 characters):
/// a note letter starts a note ('x'; for a bass also 'o' and '5'), '-' holds the one before, '.' is silence.
/// <see cref="Octave"/> is where the part sits in scientific pitch notation (4 is the octave from middle C).
/// </summary>
public sealed record Part(Timbre Timbre, PartRole Role, string Rhythm, int Octave, double Level);
