namespace Sonique.Ingest.Samples;

/// <summary>
/// One shot of a clip's picture: a moving gradient of <see cref="Colours"/> (hex, "#RRGGBB") from ffmpeg's
/// gradients source. Neighbouring shots differ in colours, shape and <see cref="Seed"/>, so every boundary is a
/// hard cut.
/// </summary>
public sealed record SampleShot
{
    public required double StartSeconds { get; init; }

    public required double Seconds { get; init; }

    public required IReadOnlyList<string> Colours { get; init; }

    /// <summary>The gradients source's type: 0 linear, 1 radial, 2 circular, 3 spiral.</summary>
    public required int GradientType { get; init; }

    /// <summary>The gradients source's seed, which places the gradient's end points.</summary>
    public required uint Seed { get; init; }

    /// <summary>Turning speed relative to the mood's: the same family of motion, never the same shot twice.</summary>
    public required double SpeedFactor { get; init; }
}
