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
        var entries = new Dictionary<ClipId, CatalogEntry>();
        return new ItemStage("Download", version: 1)
        {
            Parameters = context.ParametersOf(c => c.Download),
            Items = async ct =>
            {
                var catalog = await CatalogFile.ReadAsync(context.Workspace.Resolve(CollectTask.Catalog.Path), ct);
                return catalog.Select(entry =>
                {
                    entries[entry.Id] = entry;
                    var local = !entry.IsRemote && context.Workspace.TryResolve(entry.Url, out _);
                    return new StageItem(entry.Id.Value, local ? [entry.Url] : [], [Video.Of(entry.Id), Audio.Of(entry.Id)])
                    {
                        Values = local ? new Dictionary<string, string>() : new Dictionary<string, string> { ["url"] = entry.Url },
                    };
                }).ToList();
            },
            Run = (run, ct) => downloader.DownloadAsync(entries[ClipId.Parse(run.Key)], run.InputPaths.Count > 0 ? run.InputPaths[0] : null, run.Output(0), run.Output(1), ct),
        };
    }
}
