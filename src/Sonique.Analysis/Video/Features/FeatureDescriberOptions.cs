namespace Sonique.Analysis.Video.Features;

/// <summary>How the built-in describer samples a clip.</summary>
public sealed record FeatureDescriberOptions
{
    /// <summary>Frames sampled uniformly over the clip for its colours and light (the original sampled 8).</summary>
    public int Frames { get; init; } = 8;

    /// <summary>Frames per second decoded for motion and cuts: enough to catch a half-second shot.</summary>
    public double MotionFramesPerSecond { get; init; } = 8;

    public int Width { get; init; } = 64;

    public int Height { get; init; } = 36;
}
