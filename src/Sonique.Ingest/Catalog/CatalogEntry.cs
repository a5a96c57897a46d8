using Sonique.Media.Clips;

namespace Sonique.Ingest.Catalog;

/// <summary>
/// One clip of the catalog: where it comes from and what its source knows about it. <see cref="Url"/> is an
/// http(s) URL, or a workspace-relative path for local media.
/// </summary>
public sealed record CatalogEntry
{
    /// <summary>The clip in every later stage: its files are named by <see cref="ClipId.FileName"/>.</summary>
    public required ClipId Id { get; init; }

    public required string Title { get; init; }

    public required string Url { get; init; }

    /// <summary>Which configured source found it: samples, search, playlist, channel, csv or folder.</summary>
    public required string Source { get; init; }

    public double? DurationSeconds { get; init; }

    public string? Channel { get; init; }

    /// <summary>For the sample library: the workspace-relative path of the clip's ground truth.</summary>
    public string? Truth { get; init; }

    public bool IsRemote => Url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
