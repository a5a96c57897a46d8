namespace Sonique.Analysis.Video;

/// <summary>What DescribeVideo says about a clip: the text the language model is trained on, and the
/// measurements it was built from.</summary>
public sealed record SceneDescription
{
    public required string Text { get; init; }

    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();
}
