using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Ingest.Catalog;
using Sonique.Ingest.Download;
using Sonique.Media.Clips;

namespace Sonique.Build.Tasks;

/// <summary>Per clip: the first N seconds as mp4 and wav. A bad clip fails alone, with its reason.</summary>
[TaskName("Download")]
[TaskDescription("Fetch and trim every catalog clip to artifacts/clips/{clip}.mp4 and .wav")]
public sealed class DownloadTask : StageTask
{
    /// <summary>Each clip's first seconds as mp4.</summary>
    public static readonly ClipArtifact Video = new(typeof(DownloadTask), "artifacts/clips", ".mp4");

    /// <summary>Each clip's first seconds as wav (44.1 kHz, 16-bit, stereo).</summary>
    public static readonly ClipArtifact Audio = new(typeof(DownloadTask), Video.Folder, ".wav");

    /// <summary>The catalog, and the sample library's videos, which its rows name as local files.</summary>
    public override IReadOnlyList<Artifact> Reads => [CollectTask.Catalog, SampleLibraryTask.Video];

    public override IReadOnlyList<Artifact> Writes => [Video, Audio];

    public override StageDefinition Define(SoniqueContext context)
    {
        var downloader = new ClipDownloader(context.Workspace, context.Config.Tools.CreateFfmpeg(), context.Config.Tools.CreateYtDlp(), context.Config.Download.ToOptions());
        // Read once, by the listing or (in a Slurm array task, which is handed its items) by the first item that runs.
        var catalog = new Lazy<Task<(IReadOnlyList<CatalogEntry> Rows, Dictionary<ClipId, CatalogEntry> ById)>>(async () =>
        {
            var rows = await CatalogFile.ReadAsync(context.Workspace.Resolve(CollectTask.Catalog.Path), context.Cancellation);
            var byId = new Dictionary<ClipId, CatalogEntry>();
            foreach (var entry in rows)
            {
                byId[entry.Id] = entry;
            }

            return (rows, byId);
        });
        return new ItemStage("Download", version: 1)
        {
            Parameters = context.ParametersOf(c => c.Download),
            Items = async ct =>
            {
                var (rows, _) = await catalog.Value.WaitAsync(ct);
                return rows.Select(entry =>
                {
                    var local = !entry.IsRemote && context.Workspace.TryResolve(entry.Url, out _);
                    return new StageItem(entry.Id.Value, local ? [entry.Url] : [], [Video.Of(entry.Id), Audio.Of(entry.Id)])
                    {
                        Values = local ? new Dictionary<string, string>() : new Dictionary<string, string> { ["url"] = entry.Url },
                    };
                }).ToList();
            },
            Run = async (run, ct) => await downloader.DownloadAsync((await catalog.Value.WaitAsync(ct)).ById[ClipId.Parse(run.Key)], run.InputPaths.Count > 0 ? run.InputPaths[0] : null, run.Output(0), run.Output(1), ct),
        };
    }
}
