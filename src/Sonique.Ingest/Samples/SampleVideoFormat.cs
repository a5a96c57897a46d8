namespace Sonique.Ingest.Samples;

/// <summary>
/// The picture size and rate of synthesised clips. Small by default: the picture only has to carry colour,
/// brightness, motion and cuts, and a whole library must synthesise in seconds.
/// </summary>
public sealed record SampleVideoFormat(int Width = 320, int Height = 180, int FrameRate = 12)
{
    public static SampleVideoFormat Default { get; } = new();
}
