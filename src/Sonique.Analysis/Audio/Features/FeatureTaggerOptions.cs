namespace Sonique.Analysis.Audio.Features;

/// <summary>How the built-in tagger reads a clip: the original's 10 s chunks and at most 20 tags.</summary>
public sealed record FeatureTaggerOptions
{
    /// <summary>The rate audio is read at: enough for everything below 11 kHz, half the work of 44.1 kHz.</summary>
    public const int SampleRate = 22050;

    public double ChunkSeconds { get; init; } = 10;

    /// <summary>The most tags per clip, the tempo tag included.</summary>
    public int MaxTags { get; init; } = 20;
}
