using Cake.Core.Diagnostics;
using Sonique.Analysis;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Dataset.Pairs;
using Sonique.Engine;
using Sonique.Ingest.Catalog;

namespace Sonique.Build.Tasks;

/// <summary>
/// Each clip's description and tags as one chat example, in the original's exact JSONL (all of them in
/// dataset.jsonl), split by a hash of the clip so that new clips never move old ones, with statistics beside.
/// </summary>
[TaskName("Pair")]
[TaskDescription("Join descriptions and tags into the chat dataset, split and described, in artifacts/pairs/")]
[IsDependentOn(typeof(DescribeVideoTask))]
[IsDependentOn(typeof(TagAudioTask))]
public sealed class PairTask : StageTask
{
    public override StageDefinition Define(SoniqueContext context)
    {
        var config = context.Config.Pair;
        return new UnitStage("Pair", version: 1)
        {
            Inputs = [ArtifactPaths.Catalog, ArtifactPaths.Descriptions + "/", ArtifactPaths.Tags + "/"],
            Parameters = context.ParametersOf(c => c.Pair),
            // One folder: the split files are written together and published together.
            Outputs = [ArtifactPaths.Pairs + "/"],
            Run = async (run, ct) =>
            {
                var (pairs, missing) = await ReadPairsAsync(context, ct);
                if (pairs.Count == 0)
                {
                    throw new InvalidOperationException($"No clip has both a description and tags ({missing.Count} clips lack one): nothing to pair.");
                }

                var folder = Directory.CreateDirectory(run.Output(0)).FullName;
                await ChatJsonl.WriteAsync(Path.Combine(folder, ArtifactPaths.PairsDataset), pairs, ct);
                var outcome = await PairDataset.WriteAsync(folder, pairs, config.ToOptions(), ct);
                Report(context, outcome, missing);
            },
        };
    }

    private static async Task<(List<ClipPair> Pairs, List<string> Missing)> ReadPairsAsync(SoniqueContext context, CancellationToken ct)
    {
        var catalog = await CatalogFile.ReadAsync(context.Workspace.Resolve(ArtifactPaths.Catalog), ct);
        var pairs = new List<ClipPair>();
        var missing = new List<string>();
        foreach (var entry in catalog.OrderBy(e => e.File, StringComparer.Ordinal))
        {
            var description = context.Workspace.Resolve(ArtifactPaths.Description(entry.File));
            var tags = context.Workspace.Resolve(ArtifactPaths.TagsOf(entry.File));
            if (!File.Exists(description) || !File.Exists(tags))
            {
                missing.Add(entry.File);
                continue;
            }

            var scene = await AnalysisJson.ReadAsync<DescriptionFile>(description, ct);
            var music = await AnalysisJson.ReadAsync<TagsFile>(tags, ct);
            pairs.Add(new ClipPair(entry.File, scene.Description, music.Tags, music.TagList, music.TempoBpm));
        }

        return (pairs, missing);
    }

    private static void Report(SoniqueContext context, PairOutcome outcome, List<string> missing)
    {
        if (missing.Count > 0)
        {
            context.Warn("Pair", $"{missing.Count} clip(s) have no description or no tags and are left out: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : string.Empty)}");
        }

        var statistics = outcome.Statistics;
        context.Log.Information(
            $"Pairs: {statistics.Clips} clips; train {statistics.Train}, validation {statistics.Validation}, test {statistics.Test}; {statistics.BalancedOut} balanced out of training.");
    }
}
