using Cake.Core.Diagnostics;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Ingest.Catalog;
using Sonique.Ingest.Sources;

namespace Sonique.Build.Tasks;

/// <summary>The catalog: one row per clip from every configured source, deduplicated by id.</summary>
[TaskName("Collect")]
[TaskDescription("List clips from the configured sources into artifacts/catalog.csv")]
public sealed class CollectTask : StageTask
{
    public static readonly FileArtifact Catalog = new(typeof(CollectTask), "artifacts/catalog.csv");

    /// <summary>What the sources offered that did not become clips, with the line or path and why.</summary>
    public static readonly FileArtifact Rejected = new(typeof(CollectTask), "artifacts/catalog.rejected.csv");

    /// <summary>The sample library's clips, which the catalog lists (by the library's plan; their files are Download's input).</summary>
    public override IReadOnlyList<Artifact> Reads => [SampleLibraryTask.Video, SampleLibraryTask.Truth];

    public override IReadOnlyList<Artifact> Writes => [Catalog, Rejected];

    public override StageDefinition Define(SoniqueContext context)
    {
        var sources = context.Config.Collect.ToSources(context.Config.Samples, SampleLibraryTask.Video.Folder);
        return new UnitStage("Collect", version: 1)
        {
            // Local sources are inputs, so an added file reruns Collect; remote listings change only with --force=Collect.
            Inputs = sources.Select(s => s switch
            {
                CsvSource csv => csv.Path,
                FolderSource folder => folder.Path.TrimEnd('/') + "/",
                _ => null,
            }).OfType<string>().ToList(),
            Parameters = context.ParametersOf(c => c.Collect, c => c.Samples),
            Outputs = [Catalog.Path, Rejected.Path],
            Run = async (run, ct) =>
            {
                var collector = new CatalogCollector(context.Workspace, context.Config.Tools.CreateYtDlp());
                var result = await collector.CollectAsync(sources, ct);
                await CatalogFile.WriteAsync(run.Output(0), result.Entries, ct);
                await CatalogFile.WriteRejectedAsync(run.Output(1), result.Rejected, ct);
                Report(context, result);
            },
        };
    }

    private static void Report(SoniqueContext context, CollectResult result)
    {
        if (result.YtDlp is { } version)
        {
            var age = DateOnly.FromDateTime(DateTime.UtcNow).DayNumber - version.Released.DayNumber;
            context.Log.Information($"yt-dlp {version} ({age} days old)");
            if (age > 180)
            {
                context.Warn("Collect", $"yt-dlp {version} is {age} days old; YouTube changes often, so listings and downloads may fail. Set tools.yt_dlp to a current release.");
            }
        }

        foreach (var rejected in result.Rejected.Take(10))
        {
            context.Warn("Collect", $"{rejected.Where}: {rejected.Reason}");
        }

        context.Log.Information(
            $"Catalog: {result.Entries.Count} clips; {result.Duplicates} duplicate rows dropped; {result.Rejected.Count} rejected (listed in {Rejected.Path}).");
    }
}
