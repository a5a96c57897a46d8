using Cake.Core.Diagnostics;
using Sonique.Analysis;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Dataset.Pairs;
using Sonique.Engine;
using Sonique.Ingest.Catalog;
using Sonique.Media.Clips;

namespace Sonique.Build.Tasks;

/// <summary>
/// Each clip's description and tags as one chat example, in the original's exact JSONL (all of them in
/// dataset.jsonl), split by a hash of the clip so that new clips never move old ones, with statistics beside.
/// </summary>
[TaskName("Pair")]
[TaskDescription("Join descriptions and tags into the chat dataset, split and described, in artifacts/pairs/")]
public sealed class PairTask : StageTask
{
    /// <summary>One folder: the split files are written together and published together.</summary>
    public static readonly FileArtifact Folder = new(typeof(PairTask), "artifacts/pairs/");

    /// <summary>Every pair in one file, as the original's train_dataset.json held them.</summary>
    public static readonly FileArtifact Dataset = Folder.File("dataset.jsonl");

    public static readonly FileArtifact Train = Folder.File(PairDataset.TrainFile);

    public static readonly FileArtifact Validation = Folder.File(PairDataset.ValidationFile);

    public static readonly FileArtifact Test = Folder.File(PairDataset.TestFile);

    /// <summary>Where every clip went, by id, and why a training clip was balanced out.</summary>
    public static readonly FileArtifact Splits = Folder.File(PairDataset.SplitsFile);

    public static readonly FileArtifact Statistics = Folder.File(PairDataset.StatisticsFile);

    public override IReadOnlyList<Artifact> Reads => [CollectTask.Catalog, DescribeVideoTask.Description, TagAudioTask.Tags];

    public override IReadOnlyList<Artifact> Writes => [Dataset, Train, Validation, Test, Splits, Statistics];

    public override StageDefinition Define(SoniqueContext context)
    {
        var config = context.Config.Pair;
        return new UnitStage("Pair", version: 1)
        {
            Inputs = [CollectTask.Catalog.Path, DescribeVideoTask.Description.EveryClip, TagAudioTask.Tags.EveryClip],
            Parameters = context.ParametersOf(c => c.Pair),
            // One folder: the split files are written together and published together.
            Outputs = [Folder.Path],
            Run = async (run, ct) =>
            {
                var (pairs, missing) = await ReadPairsAsync(context, ct);
                if (pairs.Count == 0)
                {
                    throw new InvalidOperationException($"No clip has both a description and tags ({missing.Count} clips lack one): nothing to pair.");
                }

                var folder = Directory.CreateDirectory(run.Output(0)).FullName;
                await ChatJsonl.WriteAsync(Path.Combine(folder, Dataset.Name), pairs, ct);
                var outcome = await PairDataset.WriteAsync(folder, pairs, config.ToOptions(), ct);
                Report(context, outcome, missing);
            },
        };
    }

    /// <summary>The clip's description joined with its tags, found by its id; null when either is missing (its
    /// download or analysis failed).</summary>
    public static async Task<ClipPair?> ReadPairAsync(Workspace workspace, ClipId clip, CancellationToken ct)
    {
        var description = workspace.Resolve(DescribeVideoTask.Description.Of(clip));
        var tags = workspace.Resolve(TagAudioTask.Tags.Of(clip));
        if (!File.Exists(description) || !File.Exists(tags))
        {
            return null;
        }

        var scene = await AnalysisJson.ReadAsync<DescriptionFile>(description, ct);
        var music = await AnalysisJson.ReadAsync<TagsFile>(tags, ct);
        return new ClipPair(clip, scene.Description, music.Tags, music.TagList, music.TempoBpm);
    }

    private static async Task<(List<ClipPair> Pairs, List<ClipId> Missing)> ReadPairsAsync(SoniqueContext context, CancellationToken ct)
    {
        var catalog = await CatalogFile.ReadAsync(context.Workspace.Resolve(CollectTask.Catalog.Path), ct);
        var pairs = new List<ClipPair>();
        var missing = new List<ClipId>();
        foreach (var entry in catalog.OrderBy(e => e.Id))
        {
            if (await ReadPairAsync(context.Workspace, entry.Id, ct) is { } pair)
            {
                pairs.Add(pair);
            }
            else
            {
                missing.Add(entry.Id);
            }
        }

        return (pairs, missing);
    }

    private static void Report(SoniqueContext context, PairOutcome outcome, List<ClipId> missing)
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
