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
        var stageJob = context.Options.StageJobOf is not null;
        return new SlurmExecutor(context.Workspace, new SlurmExecutorOptions
        {
            TaskCommand = batch => HostCommand(context, batch.Stage, $"--shard-of={batch.Folder.Path}"),
            // A detached run's stage job is the login node of its one stage, in the allocation its stage asked for.
            OnLoginNode = stage => stageJob || slurm.RunsOnLoginNode(stage, context.Tasks.Entries.FirstOrDefault(e => e.Name == stage)?.Task is not StageTask { WantsItsOwnNode: true }),
            OwnRun = context.Options.StageJobOf,
            Resources = slurm.ResourcesOf,
            PollInterval = TimeSpan.FromSeconds(slurm.PollSeconds),
            MaxPollInterval = TimeSpan.FromSeconds(Math.Max(30, slurm.PollSeconds)),
            Retries = slurm.Retries,
            Log = observer is ConsoleProgress progress ? progress.Cluster : line => observer.Warning("Slurm", line),
        });
    }

    /// <summary>
    /// <c>--detach</c>: from the first stage of the target that is not fresh, every stage after it becomes a job of its
    /// own, chained with <c>--dependency=afterok</c>, that runs this host for that one stage as a login node would (a
    /// per-item stage's job submits its arrays and commits them; a unit stage's runs the stage, with its resources). The
    /// jobs are recorded in <c>cache/slurm/live-jobs</c>, so a run before they end is refused and Status shows them.
    /// </summary>
    public static async Task<IReadOnlyList<(string Stage, string Job)>> DetachAsync(SoniqueContext context, CancellationToken cancellationToken)
    {
        var executor = await context.SlurmExecutorAsync();
        var submitted = new List<(string Stage, string Job)>();
        string? after = null;
        foreach (var entry in StagesOf(context.Tasks, context.Options.Target, context.Options.Exclusive))
        {
            var stage = ((StageTask)entry.Task).Declared(context);
            var forced = context.Options.ForceAll || context.Options.ForceStages.Contains(entry.Name);
            if (submitted.Count == 0 && !forced && (await context.Pipeline.GetStatusAsync(stage, cancellationToken)).State == StageState.Fresh)
            {
                continue;
            }

            var resources = stage is UnitStage ? context.Config.Slurm.ResourcesOf(entry.Name) : context.Config.Slurm.DriverResources();
            var command = HostCommand(context, entry.Name, [$"--stage-job-of={executor.RunId}", .. forced ? ["--force=true"] : Array.Empty<string>()]);
            after = await executor.SubmitStageJobAsync(entry.Name, command, resources, after, cancellationToken);
            submitted.Add((entry.Name, after));
        }

        return submitted;
    }

    /// <summary>The stages a run of <paramref name="target"/> runs, in order: those it depends on and itself (only
    /// itself with <c>--exclusive</c>).</summary>
    private static IEnumerable<TaskCatalog.Entry> StagesOf(TaskCatalog catalog, string target, bool exclusive)
    {
        var byName = catalog.Entries.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string name)
        {
            if (byName.TryGetValue(name, out var entry) && wanted.Add(entry.Name) && !exclusive)
            {
                foreach (var dependency in entry.Dependencies)
                {
                    Visit(dependency);
                }
            }
        }

        Visit(target);
        return catalog.StagesInOrder().Where(e => wanted.Contains(e.Name));
    }

    /// <summary>This host, as a job runs it for one stage: the workspace, profile, jobs and push of this run. The
    /// command is in a script on the shared filesystem, so the remote cache comes from the profile (a <c>--remote</c>
    /// given here may hold credentials).</summary>
    private static List<string> HostCommand(SoniqueContext context, string stage, params IEnumerable<string> more)
    {
        var config = context.Options.ConfigPath is { } path ? Path.GetFullPath(path) : null;
        return
        [
            TrainerProcess.DotNetHost(),
            typeof(SoniqueHost).Assembly.Location,
            $"--target={stage}",
            "--exclusive",
            "--executor=slurm",
            .. more,
            $"--workspace={context.Workspace.Root}",
            string.Create(CultureInfo.InvariantCulture, $"--jobs={context.Config.Slurm.ResourcesOf(stage).Cpus}"),
            .. config is null ? Array.Empty<string>() : [$"--config={config}"],
            $"--push={(context.Options.Push ? "true" : "false")}",
        ];
    }

    /// <summary>For Status: the jobs recorded in the queue (a detached run's, or a running login node's) that still are,
    /// with their stage and state; none, without asking Slurm, when none is recorded.</summary>
    public static async Task<IReadOnlyList<string>> DescribeLiveJobsAsync(SoniqueContext context)
    {
        try
        {
            return await SlurmExecutor.DescribeLiveJobsAsync(context.Workspace, new SlurmClient(), context.Cancellation);
        }
        catch (SlurmException e)
        {
            return [$"jobs are recorded in {SlurmExecutor.LiveJobsPath(context.Workspace)}, but the queue cannot be read: {e.Message}"];
        }
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
