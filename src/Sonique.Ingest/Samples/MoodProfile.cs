using Sonique.Media.Music;

namespace Sonique.Ingest.Samples;

/// <summary>One row of <see cref="MoodRule"/>: everything a mood fixes about how a clip looks and sounds.</summary>
public sealed record MoodProfile
{
    public required Mood Mood { get; init; }

    /// <summary>The mood's colour family; each clip uses three of the four.</summary>
    public required IReadOnlyList<NamedColour> Palette { get; init; }

    /// <summary>How light the picture is, in words: "dark", "medium", "medium-bright", "bright".</summary>
    public required string Brightness { get; init; }

    /// <summary>How much the picture moves, in words: "slow drift", "slow", "moderate", "fast".</summary>
    public required string Motion { get; init; }

    /// <summary>How fast the gradients turn, in radians per second, whatever the frame rate.</summary>
    public required double RotationPerSecond { get; init; }

    public required double MinShotSeconds { get; init; }

    public required double MaxShotSeconds { get; init; }

    public required int MinBpm { get; init; }

    public required int MaxBpm { get; init; }

    public required Mode Mode { get; init; }

    public required string Genre { get; init; }

    /// <summary>The instruments as tags name them, matching what <see cref="Arrangement"/> plays.</summary>
    public required IReadOnlyList<string> Instruments { get; init; }

    /// <summary>Mood words for tags; each clip carries two of them.</summary>
    public required IReadOnlyList<string> MoodWords { get; init; }

    /// <summary>Title words: a clip's title is one of the first and one of the second ("Midnight Drive").</summary>
    public required IReadOnlyList<string> TitleFirstWords { get; init; }

    public required IReadOnlyList<string> TitleSecondWords { get; init; }

    public required Arrangement Arrangement { get; init; }
}
