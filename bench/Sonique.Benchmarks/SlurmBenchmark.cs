using System.Diagnostics;
using Sonique.Cluster;
using Sonique.Engine;
using Sonique.Engine.SyntheticPipeline;
using Sonique.Tests.Shared.Servers;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// The Slurm executor's overhead: the synthetic pipeline's Transform stage over the same items run locally (in this
/// process, the engine's own parallelism) and through a real one-node Slurm cluster on this machine at 50 items per
/// array task and at 1 (or the sizes given), each from a fresh workspace; every cluster result must equal the local one
/// byte for byte. 1,000 items by default: Slurm's default MaxArraySize (1001) allows no more tasks in one array, so
/// shards of 1 stop there. Beside it, one array task's own cost without Slurm: the task's process run by hand on a
/// shard of one item, which splits the overhead into what the process costs and what Slurm's launch adds.
/// </summary>
internal static class SlurmBenchmark
{
    public const double TargetRatioAt50 = 1.3;

    private const int TaskStartSamples = 5;

    public static async Task<string> RunAsync(string scratch, int items, IReadOnlyList<int> perTasks, CancellationToken cancellationToken)
    {
        await using var cluster = await SlurmCluster.StartAsync(Path.Combine(scratch, "c"), cancellationToken);
        var local = await TimeAsync(scratch, "local", items, null, cluster, cancellationToken);
        var taskStart = await TimeTaskByHandAsync(Path.Combine(scratch, "by-hand"), cancellationToken);
        var rows = new List<IReadOnlyList<string>> { Row("local executor", local.Elapsed, local.Elapsed, tasks: 0) };
        foreach (var perTask in perTasks)
        {
            var run = await TimeAsync(scratch, Invariant($"slurm-{perTask}"), items, perTask, cluster, cancellationToken);
            if (!File.ReadAllBytes(run.LockPath).AsSpan().SequenceEqual(File.ReadAllBytes(local.LockPath)))
            {
                throw new InvalidOperationException($"The lock file of the Slurm run at {perTask} item(s) per task differs from the local run's.");
            }

            rows.Add(Row(Invariant($"Slurm, {perTask} item(s) per task"), run.Elapsed, local.Elapsed, (items + perTask - 1) / perTask));
        }

        return Invariant($"""
            ### Slurm executor: {items} items of Transform (two small files in, one out), from a fresh workspace

            One-node cluster on this machine (CPUs={cluster.Cpus}, one CPU per array task, so {cluster.Cpus} tasks at a time; each
            task is `dotnet exec` of the synthetic pipeline running its shard from the items file the login node wrote).
            Local: the same stage in one process, --jobs 2. Goal: within {TargetRatioAt50:0.0}x of local at 50 items per task.
            One array task's process run by hand, without Slurm, on a shard of one item: {taskStart.TotalSeconds:F3} s
            (median of {TaskStartSamples}).


            """) + Table(["run", "wall s", "x local", "array tasks"], rows) + "\n";
    }

    /// <summary>The median wall time of an array task's process on a shard of one item, started here as Slurm would
    /// start it (its index in the environment), each on an item not yet run.</summary>
    private static async Task<TimeSpan> TimeTaskByHandAsync(string root, CancellationToken cancellationToken)
    {
        SyntheticStages.WriteInputs(root, TaskStartSamples);
        var stage = new SyntheticStages(new Workspace(root)).Transform;
        var folder = new ShardFolder(Path.Combine(root, "shard"));
        var tasks = folder.Write(await stage.Items(cancellationToken), itemsPerTask: 1);
        var times = new List<TimeSpan>();
        try
        {
            for (var task = 0; task < tasks; task++)
            {
                Environment.SetEnvironmentVariable(ShardFolder.TaskIndexVariable, Invariant($"{task}"));
                var clock = Stopwatch.StartNew();
                Tool.RunDotnet("Sonique.Engine.SyntheticPipeline.dll", ["--workspace", root, "--shard-of", folder.Path]);
                times.Add(clock.Elapsed);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(ShardFolder.TaskIndexVariable, null);
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    private static List<string> Row(string name, TimeSpan elapsed, TimeSpan local, int tasks) =>
        [name, Seconds(elapsed), Number(elapsed / local, "F2"), tasks == 0 ? "-" : Invariant($"{tasks}")];

    private static async Task<(TimeSpan Elapsed, string LockPath)> TimeAsync(string scratch, string name, int items, int? perTask, SlurmCluster cluster, CancellationToken cancellationToken)
    {
        var root = Path.Combine(scratch, name);
        SyntheticStages.WriteInputs(root, items);
        var workspace = new Workspace(root);
        var stage = new SyntheticStages(workspace).Transform;
        Progress.Say(perTask is null ? $"{items} items locally" : $"{items} items on Slurm, {perTask} per task");
        var clock = Stopwatch.StartNew();
        using (var pipeline = Pipeline.Open(workspace, new PipelineOptions { Jobs = 2 }))
        {
            if (perTask is null)
            {
                await pipeline.RunAsync(stage, cancellationToken);
            }
            else
            {
                var executor = new SlurmExecutor(workspace, new SlurmExecutorOptions
                {
                    TaskCommand = batch => [Tool.DotnetHost, "exec", Path.Combine(AppContext.BaseDirectory, "Sonique.Engine.SyntheticPipeline.dll"), "--workspace", root, "--shard-of", batch.Folder.Path],
                    Resources = _ => new SlurmResources { ItemsPerTask = perTask.Value },
                    Client = new SlurmClient(cluster.Environment),
                    PollInterval = TimeSpan.FromMilliseconds(250),
                    MaxPollInterval = TimeSpan.FromSeconds(2),
                });
                var report = await executor.RunStageAsync(pipeline, stage, cancellationToken);
                if (report.Ran != items)
                {
                    throw new InvalidOperationException($"The Slurm run ran {report.Ran} items, not {items}.");
                }
            }
        }

        return (clock.Elapsed, workspace.LockFilePath);
    }
}
