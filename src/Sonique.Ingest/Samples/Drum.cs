namespace Sonique.Ingest.Samples;

/// <summary>The drum sounds of <see cref="DrumVoice"/>.</summary>
public enum Drum
{
    Kick,
    Snare,
    Clap,
    ClosedHat,
    OpenHat,
    Shaker,
}
