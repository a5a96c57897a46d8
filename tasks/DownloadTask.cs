using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Ingest.Catalog;
using Sonique.Ingest.Download;

namespace Sonique.Build.Tasks;

/// <summary>Per clip: the first N seconds as mp4 and wav. A bad clip fails alone, with its reason.</summary>
[TaskName("Download")]
[TaskDescription("Fetch and trim every catalog clip to artifacts/clips/{file}.mp4 and .wav")]
[IsDependentOn(typeof(CollectTask))]
public sealed class DownloadTask : StageTask
{
    public override StageDefinition Define(SoniqueContext context)
    {
        var downloader = new ClipDownloader(context.Workspace, context.Config.Tools.CreateFfmpeg(), context.Config.Tools.CreateYtDlp(), context.Config.Download.ToOptions());
        var entries = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        return new ItemStage("Download", version: 1)
        {
            Parameters = context.ParametersOf(c => c.Download),
            Items = async ct =>
            {
                var catalog = await CatalogFile.ReadAsync(context.Workspace.Resolve(ArtifactPaths.Catalog), ct);
                return catalog.Select(entry =>
                {
                    entries[entry.File] = entry;
                    var local = !entry.IsRemote && context.Workspace.TryResolve(entry.Url, out _);
                    return new StageItem(entry.File, local ? [entry.Url] : [], [ArtifactPaths.ClipVideo(entry.File), ArtifactPaths.ClipAudio(entry.File)])
                    {
                        Values = local ? new Dictionary<string, string>() : new Dictionary<string, string> { ["url"] = entry.Url },
                    };
                }).ToList();
            },
            Run = (run, ct) => downloader.DownloadAsync(entries[run.Key], run.InputPaths.Count > 0 ? run.InputPaths[0] : null, run.Output(0), run.Output(1), ct),
        };
    }
}
