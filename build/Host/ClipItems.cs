using Sonique.Engine;
using Sonique.Ingest.Catalog;

namespace Sonique.Build.Host;

/// <summary>The per-clip items of a stage that reads one file of each downloaded clip: one item per catalog row,
/// keyed by the clip's file name. A clip whose download failed shows as that item's missing input.</summary>
public static class ClipItems
{
    public static async ValueTask<IReadOnlyList<StageItem>> FromCatalogAsync(
        SoniqueContext context, Func<string, string> input, Func<string, string> output, CancellationToken cancellationToken)
    {
        var catalog = await CatalogFile.ReadAsync(context.Workspace.Resolve(ArtifactPaths.Catalog), cancellationToken);
        return [.. catalog.Select(entry => new StageItem(entry.File, [input(entry.File)], [output(entry.File)]))];
    }
}
