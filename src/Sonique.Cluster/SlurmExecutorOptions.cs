namespace Sonique.Cluster;

/// <summary>One job array of a stage: the <paramref name="Attempt"/>th (a retry runs the items the earlier ones left
/// unfinished), its tasks' files in <paramref name="Folder"/>.</summary>
public sealed record ShardBatch(string Stage, int Attempt, ShardFolder Folder);

public sealed class SlurmExecutorOptions
{
    /// <summary>The command every array task of a batch runs (program and arguments): it runs the shard
    /// <see cref="ShardFolder.CurrentTask"/> names through <see cref="Engine.Pipeline.RunShardAsync"/> (a unit stage's one
    /// task: the stage).</summary>
    public required Func<ShardBatch, IReadOnlyList<string>> TaskCommand { get; init; }

    /// <summary>In a stage job of a detached run (<see cref="SlurmExecutor.SubmitStageJobAsync"/>): that run's id, whose
    /// own jobs (this one, those after it) do not count as another login node's live jobs.</summary>
    public string? OwnRun { get; init; }

    /// <summary>Whether a unit stage (by name) runs on the login node, in its process, instead of as a job of its own.</summary>
    public Func<string, bool> OnLoginNode { get; init; } = _ => false;

    /// <summary>What a stage's jobs ask for.</summary>
    public Func<string, SlurmResources> Resources { get; init; } = _ => new SlurmResources();

    public SlurmClient Client { get; init; } = new();

    /// <summary>The first wait between two looks at the jobs; it doubles while nothing changes, up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times the items of dead tasks are submitted again before the stage fails.</summary>
    public int Retries { get; init; } = 2;

    /// <summary>The most tasks one array may have: Slurm's MaxArraySize (1001 by default) less one. A stage with
    /// more shards than this gets more items per task instead.</summary>
    public int MaxArrayTasks { get; init; } = 1000;

    /// <summary>How long a cancelled run waits for its jobs to leave the queue before it lets go.</summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Told what the jobs do: ids, log files, state counts as they change.</summary>
    public Action<string>? Log { get; init; }
}
