using Sonique.Engine;
using Sonique.Ingest.Catalog;

namespace Sonique.Build.Host;

/// <summary>The per-clip items of a stage that reads one file of each downloaded clip: one item per catalog row,
/// keyed by the clip's id. A clip whose download failed shows as that item's missing input.</summary>
public static class ClipItems
{
    public static async ValueTask<IReadOnlyList<StageItem>> FromCatalogAsync(
        SoniqueContext context, ClipArtifact input, ClipArtifact output, CancellationToken cancellationToken)
    {
        var catalog = await CatalogFile.ReadAsync(context.Workspace.Resolve(Tasks.CollectTask.Catalog.Path), cancellationToken);
        return [.. catalog.Select(entry => new StageItem(entry.Id.Value, [input.Of(entry.Id)], [output.Of(entry.Id)]))];
    }
}
