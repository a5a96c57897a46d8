using System.Globalization;
using Sonique.Build.Frosting;
using Sonique.Cluster;
using Sonique.Engine;
using Sonique.Training;

namespace Sonique.Build.Host;

/// <summary>
/// The host's two sides of <c>--executor=slurm</c>. On the login node, the executor that submits a per-item stage's
/// stale items as a job array (a unit stage as one task, unless it runs on the login node) whose every task is this same
/// host (<c>--target=Stage --exclusive --shard-of=FOLDER</c>), so a task defines the stage from tasks/*.cs and the
/// profile exactly as a local run does. In that task, the shard.
/// </summary>
public static class SlurmStages
{
    public static SlurmExecutor CreateExecutor(SoniqueContext context, IPipelineObserver observer)
    {
        var slurm = context.Config.Slurm;
        var host = typeof(SoniqueHost).Assembly.Location;
        var config = context.Options.ConfigPath is { } path ? Path.GetFullPath(path) : null;
        return new SlurmExecutor(context.Workspace, new SlurmExecutorOptions
        {
            // The task's command line is in its script on the shared filesystem: the remote cache comes from the profile
            // (a --remote given here may hold credentials), whether it is pushed to from --push.
            TaskCommand = batch =>
            [
                TrainerProcess.DotNetHost(),
                host,
                $"--target={batch.Stage}",
                "--exclusive",
                $"--shard-of={batch.Folder.Path}",
                $"--workspace={context.Workspace.Root}",
                string.Create(CultureInfo.InvariantCulture, $"--jobs={slurm.ResourcesOf(batch.Stage).Cpus}"),
                .. config is null ? Array.Empty<string>() : [$"--config={config}"],
                $"--push={(context.Options.Push ? "true" : "false")}",
            ],
            OnLoginNode = stage => slurm.RunsOnLoginNode(stage, context.Tasks.Entries.FirstOrDefault(e => e.Name == stage)?.Task is not StageTask { WantsItsOwnNode: true }),
            Resources = slurm.ResourcesOf,
            PollInterval = TimeSpan.FromSeconds(slurm.PollSeconds),
            MaxPollInterval = TimeSpan.FromSeconds(Math.Max(30, slurm.PollSeconds)),
            Retries = slurm.Retries,
            Log = observer is ConsoleProgress progress ? progress.Cluster : line => observer.Warning("Slurm", line),
        });
    }

    /// <summary>Refuses <c>slurm.stages</c> keys that name no stage (a typo would silently give the defaults).</summary>
    public static void CheckStageNames(SlurmConfig slurm, TaskCatalog catalog)
    {
        var stages = catalog.StagesInOrder().Select(e => e.Name).ToList();
        if (slurm.Stages?.Keys.FirstOrDefault(name => !stages.Contains(name, StringComparer.Ordinal)) is { } unknown)
        {
            throw new InvalidDataException($"slurm.stages.{unknown}: there is no stage {unknown}; the stages are {string.Join(", ", stages)}.");
        }
    }

    /// <summary>In an array task: runs exactly the items of its shard (as the login node listed them: the stage is not
    /// listed again; a unit stage's one item is the stage) through the engine, each recorded in the task's journal as it
    /// finishes, for the login node to commit.</summary>
    public static async Task<StageReport> RunShardAsync(SoniqueContext context, StageDefinition stage, string shardFolder)
    {
        var folder = new ShardFolder(shardFolder);
        var task = ShardFolder.CurrentTask();
        using var journal = new ShardJournal(folder.JournalPath(task));
        using var pipeline = Pipeline.OpenForShard(context.Workspace, context.RunPipelineOptions);
        return await pipeline.RunShardAsync(stage, await folder.ReadItemsAsync(task, context.Cancellation), journal, context.Cancellation);
    }
}
