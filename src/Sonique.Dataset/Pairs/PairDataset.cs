using Sonique.Files;
using Sonique.Media.Clips;

namespace Sonique.Dataset.Pairs;

/// <summary>
/// The Pair stage's work: splits the clips by id, balances the training split, and writes the chat dataset the original
/// would have written for each split, with where every clip went and the statistics for the report.
/// </summary>
/// <remarks>
/// Every output is a function of the set of clips and the options alone: lines are in clip-id ordinal order, the split
/// comes from each id's hash and balancing breaks ties by hash, so the same clips in any order give the same bytes, and
/// the stage's content-hash caching sees no change where there is none. Each file is replaced atomically.
/// </remarks>
public static class PairDataset
{
    public const string TrainFile = "train.jsonl";
    public const string ValidationFile = "validation.jsonl";
    public const string TestFile = "test.jsonl";
    public const string SplitsFile = "splits.csv";
    public const string StatisticsFile = "statistics.json";

    /// <summary>The files <see cref="WriteAsync"/> writes into its folder, for the stage to declare as outputs.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [TrainFile, ValidationFile, TestFile, SplitsFile, StatisticsFile];

    /// <summary>
    /// Writes train.jsonl (balanced), validation.jsonl, test.jsonl, splits.csv and statistics.json into
    /// <paramref name="folder"/>, creating it. Throws <see cref="ArgumentException"/> naming the id when two clips share
    /// one, before anything is written.
    /// </summary>
    public static async Task<PairOutcome> WriteAsync(string folder, IReadOnlyList<ClipPair> pairs, PairOptions options, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Ratios, nameof(options));
        ArgumentNullException.ThrowIfNull(options.Balance, nameof(options));
        options.Balance.Validate();
        var assigner = new SplitAssigner(options.Ratios, options.Salt);
        Check(pairs);

        var sorted = pairs.OrderBy(p => p.ClipId).ToList();
        (ClipPair Pair, DatasetSplit Split)[] all = [.. sorted.Select(p => (p, assigner.Assign(p.ClipId.Value)))];
        var balance = Balancer.Apply([.. Of(all, DatasetSplit.Train)], options.Balance);
        var droppedFor = balance.Dropped.ToDictionary(d => d.Pair.ClipId, d => d.Reason);
        var validation = Of(all, DatasetSplit.Validation).ToList();
        var test = Of(all, DatasetSplit.Test).ToList();
        var statistics = DatasetStatistics.Compute(all, balance.Kept, options.Balance, balance.Unmet);

        Directory.CreateDirectory(folder);
        await ChatJsonl.WriteAsync(Path.Combine(folder, TrainFile), balance.Kept, ct);
        await ChatJsonl.WriteAsync(Path.Combine(folder, ValidationFile), validation, ct);
        await ChatJsonl.WriteAsync(Path.Combine(folder, TestFile), test, ct);
        var rows = all.Select(x => (x.Pair.ClipId, x.Split, droppedFor.GetValueOrDefault(x.Pair.ClipId)));
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, SplitsFile), SplitsCsv.Text(rows), ct);
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, StatisticsFile), statistics.ToJson(), ct);

        return new PairOutcome(statistics, balance.Kept.Count, validation.Count, test.Count, balance.Dropped, balance.Unmet);
    }

    private static IEnumerable<ClipPair> Of((ClipPair Pair, DatasetSplit Split)[] all, DatasetSplit split) =>
        all.Where(x => x.Split == split).Select(x => x.Pair);

    /// <summary>Refuses what would make a wrong or ambiguous dataset, naming the clip: missing fields and repeated ids.</summary>
    private static void Check(IReadOnlyList<ClipPair> pairs)
    {
        var seen = new HashSet<ClipId>();
        for (var i = 0; i < pairs.Count; i++)
        {
            var pair = pairs[i] ?? throw new ArgumentException($"Clip {i} is null.", nameof(pairs));
            if (pair.ClipId is null)
            {
                throw new ArgumentException($"Clip {i} has no id.", nameof(pairs));
            }

            if (pair.Description is null || pair.Tags is null || pair.TagList is null || pair.TagList.Any(t => t is null))
            {
                throw new ArgumentException($"Clip '{pair.ClipId}' lacks its description, its tags or a tag in its tag list.", nameof(pairs));
            }

            if (!seen.Add(pair.ClipId))
            {
                throw new ArgumentException($"The clip id '{pair.ClipId}' appears more than once.", nameof(pairs));
            }
        }
    }
}
