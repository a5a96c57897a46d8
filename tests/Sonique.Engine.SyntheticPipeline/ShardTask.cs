using System.Globalization;
using Sonique.Cluster;

namespace Sonique.Engine.SyntheticPipeline;

/// <summary>
/// A Slurm array task of a stage (Transform's items, or Summarize whole): runs the items its index picks from the shard
/// folder, recording them in its own journal. <c>--exit-after N</c> makes it exit 3 once N items are finished (a task dying mid-shard);
/// <c>--environment-to FILE</c> writes the GPUs Slurm gave it there.
/// </summary>
public static class ShardTask
{
    public const int DiedOnPurpose = 3;

    public static async Task<int> RunAsync(Workspace workspace, StageDefinition stage, ShardFolder folder, IReadOnlyDictionary<string, string> options)
    {
        var task = ShardFolder.CurrentTask();
        if (options.TryGetValue("environment-to", out var environmentFile))
        {
            await File.WriteAllTextAsync(environmentFile, Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES") ?? "unset");
        }

        var exitAfter = options.TryGetValue("exit-after", out var count) ? int.Parse(count, CultureInfo.InvariantCulture) : int.MaxValue;
        using var journal = new ShardJournal(folder.JournalPath(task));
        using var pipeline = Pipeline.OpenForShard(workspace, new PipelineOptions
        {
            Jobs = int.Parse(options.GetValueOrDefault("jobs", "1"), CultureInfo.InvariantCulture),
            Observer = new ExitAfter(exitAfter),
        });
        var report = await pipeline.RunShardAsync(stage, await folder.ReadItemsAsync(task, CancellationToken.None), journal, CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Stage} shard {task}: ran={report.Ran} restored={report.Restored} failed={report.Failed}"));
        return 0;
    }

    /// <summary>Ends the process once <paramref name="limit"/> items are finished (each is in the journal by then).</summary>
    private sealed class ExitAfter(int limit) : IPipelineObserver
    {
        private int _finished;

        public void StageStarting(string stage, int items, int toDo)
        {
        }

        public void ItemFinished(string stage, string key, ItemOutcome outcome, string? detail)
        {
            if (Interlocked.Increment(ref _finished) >= limit)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exiting after {limit} item(s) on purpose"));
                Environment.Exit(DiedOnPurpose);
            }
        }

        public void StageFinished(StageReport report)
        {
        }

        public void Warning(string stage, string message)
        {
        }
    }
}
