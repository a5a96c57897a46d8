using Sonique.Cluster;

namespace Sonique.Build.Host;

/// <summary>Where a per-item stage's items run.</summary>
public enum ExecutorKind
{
    /// <summary>On this machine, <c>--jobs</c> at a time.</summary>
    Local,

    /// <summary>As job arrays on a Slurm cluster, submitted from this (login) node.</summary>
    Slurm,
}

/// <summary>What a stage's array tasks ask Slurm for. Every setting may be left unset: in <c>slurm:</c> it then takes
/// Slurm's or the executor's default, in <c>slurm.stages.&lt;Stage&gt;:</c> the value of <c>slurm:</c>.</summary>
public class SlurmResourcesConfig
{
    [Setting("the partition (`--partition`)", Unset = "the cluster's default", Example = "cpu")]
    public string? Partition { get; set; }

    [Setting("the account charged (`--account`)", Unset = "your default account", Example = "my-lab")]
    public string? Account { get; set; }

    [Setting("the time limit of one array task (`--time`: minutes, `H:MM:SS` or `D-HH:MM:SS`); a task over it loses only its unfinished items, which are submitted again", Unset = "the partition's default", Example = "1:00:00")]
    public string? Time { get; set; }

    [Setting("memory of one array task (`--mem`)", Unset = "the partition's default", Example = "4G")]
    public string? Memory { get; set; }

    [Setting("CPUs of one array task (`--cpus-per-task`), which runs that many of its items at once", Min = 1, Max = 1_024, Unset = "1", Example = "4")]
    public int? Cpus { get; set; }

    [Setting("GPUs of one array task (`--gres=gpu:N`; the task sees them in `CUDA_VISIBLE_DEVICES`)", Min = 0, Max = 64, Unset = "none", Example = "1")]
    public int? Gpus { get; set; }

    [Setting("items one array task runs: each task pays Slurm's start and the host's before its first item, so one per item drowns in overhead. A stage with more than 1,000 tasks' worth gets more per task (Slurm's MaxArraySize)", Min = 1, Max = 100_000, Unset = "50", Example = "20")]
    public int? ItemsPerTask { get; set; }

    [Setting("the most array tasks of a stage running at once (`--array=...%N`)", Min = 0, Max = 100_000, Unset = "no limit", Example = "16")]
    public int? Throttle { get; set; }

    [Setting("further `sbatch` arguments, passed as they are", Unset = "none", Example = "[--qos=long, --constraint=a100]")]
    public List<string>? ExtraArgs { get; set; }

    [Setting("for a unit stage (Collect, Pair, BaseModel, FineTune, Evaluate, Report): run it in the login node's own process instead of as a job of its own (one task with these resources, its result committed by the login node as an array's)", Unset = "true, except for FineTune", Example = "false")]
    public bool? OnLoginNode { get; set; }

    /// <summary>These settings over <paramref name="defaults"/>: what is unset here keeps the default's value.</summary>
    public SlurmResources Over(SlurmResources defaults) => defaults with
    {
        Partition = Partition ?? defaults.Partition,
        Account = Account ?? defaults.Account,
        Time = Time ?? defaults.Time,
        Memory = Memory ?? defaults.Memory,
        Cpus = Cpus ?? defaults.Cpus,
        Gpus = Gpus ?? defaults.Gpus,
        ItemsPerTask = ItemsPerTask ?? defaults.ItemsPerTask,
        Throttle = Throttle ?? defaults.Throttle,
        ExtraArguments = ExtraArgs ?? defaults.ExtraArguments,
    };
}

/// <summary>The Slurm executor's settings (<c>executor: slurm</c>): the resources every stage's array tasks ask for,
/// per-stage overrides, and how the login node watches them. None changes what an item makes.</summary>
public sealed class SlurmConfig : SlurmResourcesConfig
{
    [Setting("per-stage resources: a stage's name (as `--target` spells it) to any of the settings of `slurm:` from partition to on_login_node, each over its value there", Unset = "none", Example = "{DescribeVideo: {gpus: 1, partition: gpu}, FineTune: {partition: gpu, gpus: 1}}")]
    public Dictionary<string, SlurmResourcesConfig>? Stages { get; set; }

    [Setting("times the items of array tasks that died (time limit, memory, node failure) are submitted again before the stage fails, naming each task's exit code or state and its log", Min = 0, Max = 20)]
    public int Retries { get; set; } = 2;

    [Setting("seconds between two looks at the queue (one `squeue` per stage); doubled while nothing changes, up to 30", Min = 0.1, Max = 600)]
    public double PollSeconds { get; set; } = 2;

    /// <summary>What the stage's array tasks ask for: its own settings over the section's, over the executor's defaults.</summary>
    public SlurmResources ResourcesOf(string stage)
    {
        var resources = Over(new SlurmResources());
        return Stages is not null && Stages.TryGetValue(stage, out var own) && own is not null ? own.Over(resources) : resources;
    }

    /// <summary>What a detached run's job for a per-item stage asks for: it only submits the stage's arrays and waits
    /// for them, so one CPU in the section's partition and account (no time limit of a task's: it outlives them).</summary>
    public SlurmResources DriverResources() => new() { Partition = Partition, Account = Account, Cpus = 1, ExtraArguments = ExtraArgs ?? [] };

    /// <summary>Whether the unit stage runs on the login node: its own setting, else the section's, else
    /// <paramref name="byDefault"/> (cheap stages do; FineTune, which wants a GPU node, does not).</summary>
    public bool RunsOnLoginNode(string stage, bool byDefault) =>
        (Stages is not null && Stages.TryGetValue(stage, out var own) ? own?.OnLoginNode : null) ?? OnLoginNode ?? byDefault;

    internal IEnumerable<string> Problems() =>
        (Stages ?? []).Where(s => s.Value is not null).SelectMany(s => SettingRanges.Problems(s.Value, $"slurm.stages.{s.Key}."));
}
