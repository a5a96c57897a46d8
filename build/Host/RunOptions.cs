using Cake.Core;
using Sonique.Remote;

namespace Sonique.Build.Host;

/// <summary>The pipeline's own switches, beside Cake's (--target, --exclusive, --dryrun, --verbosity).</summary>
public sealed record RunOptions(string Target, bool Exclusive, bool DryRun, bool ForceAll, IReadOnlySet<string> ForceStages, int Jobs, string? ConfigPath, string WorkspaceRoot)
{
    /// <summary>The remote cache's address from <c>--remote</c>, over the profile's <c>cache.remote</c>.</summary>
    public string? Remote { get; init; }

    /// <summary>Whether finished work is pushed to the remote cache: <c>--push</c>, else the profile's <c>cache.push</c>.</summary>
    public bool Push { get; init; } = true;

    /// <summary>Where per-item stages run: <c>--executor</c>, else the profile's <c>executor</c>.</summary>
    public ExecutorKind Executor { get; init; }

    /// <summary>Set in a Slurm array task: the shard folder whose task (<c>SLURM_ARRAY_TASK_ID</c>) this process runs,
    /// of the one stage <c>--target</c> names.</summary>
    public string? ShardOf { get; init; }

    /// <summary><c>--detach</c> (with the Slurm executor): submit the target's stale stages as jobs chained one after
    /// another, record them, and exit instead of waiting.</summary>
    public bool Detach { get; init; }

    /// <summary>Set in a detached run's stage job: that run's id (its own queued jobs are not another run's).</summary>
    public string? StageJobOf { get; init; }

    public static RunOptions From(ICakeArguments arguments, Func<string?, SoniqueConfig> loadConfig, out SoniqueConfig config)
    {
        string? Last(string name) => arguments.HasArgument(name) ? arguments.GetArguments(name).Last() : null;
        bool Flag(string name) => Last(name) is { } value && !value.Equals("false", StringComparison.OrdinalIgnoreCase);

        var configPath = Last("config");
        config = loadConfig(configPath);
        var force = Last("force");
        var forceAll = force is not null && force.Equals("true", StringComparison.OrdinalIgnoreCase);
        var forceStages = force is null || forceAll
            ? new HashSet<string>(StringComparer.Ordinal)
            : force.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

        var jobs = config.Jobs ?? Environment.ProcessorCount;
        if (Last("jobs") is { } jobsText && (!int.TryParse(jobsText, out jobs) || jobs < 1))
        {
            throw new ArgumentException($"--jobs must be a whole number of at least 1, not '{jobsText}'.");
        }

        var executor = config.Executor;
        if (Last("executor") is { } executorText && (!Enum.TryParse(executorText, ignoreCase: true, out executor) || !Enum.IsDefined(executor)))
        {
            throw new ArgumentException($"--executor must be local or slurm, not '{executorText}'.");
        }

        var detach = Flag("detach");
        if (detach && executor != ExecutorKind.Slurm)
        {
            throw new ArgumentException("--detach submits the stages as Slurm jobs: it needs --executor=slurm (or executor: slurm in the profile).");
        }

        var remote = Last("remote");
        if (remote is { Length: > 0 } && RemoteCacheAddress.Problem(remote) is { } problem)
        {
            throw new ArgumentException($"--remote: {problem}");
        }

        return new RunOptions(
            Last("target") ?? "Default",
            Flag("exclusive"),
            Flag("dryrun") || Flag("dry-run") || Flag("noop") || Flag("whatif"),
            forceAll,
            forceStages,
            jobs,
            configPath,
            Path.GetFullPath(Last("workspace") ?? Directory.GetCurrentDirectory()))
        {
            Remote = remote ?? config.Cache.Remote,
            Push = Last("push") is { } push ? !push.Equals("false", StringComparison.OrdinalIgnoreCase) : config.Cache.Push,
            Executor = executor,
            ShardOf = Last("shard-of") is { } shard ? Path.GetFullPath(shard) : null,
            Detach = detach,
            StageJobOf = Last("stage-job-of"),
        };
    }
}
