using System.Globalization;

namespace Sonique.Cluster;

/// <summary>What one stage's jobs ask Slurm for, and how its items are cut into array tasks.</summary>
public sealed record SlurmResources
{
    public string? Partition { get; init; }

    public string? Account { get; init; }

    /// <summary>Slurm's time limit per array task ("30", "1:00:00", "1-00:00:00").</summary>
    public string? Time { get; init; }

    /// <summary>Memory per task ("4G").</summary>
    public string? Memory { get; init; }

    public int Cpus { get; init; } = 1;

    /// <summary>GPUs per task (<c>--gres=gpu:N</c>); the task sees them in <c>CUDA_VISIBLE_DEVICES</c>.</summary>
    public int Gpus { get; init; }

    /// <summary>Items each array task runs: one task per item drowns in scheduling overhead.</summary>
    public int ItemsPerTask { get; init; } = 50;

    /// <summary>The most array tasks running at once (<c>%N</c>); 0 for no limit.</summary>
    public int Throttle { get; init; }

    /// <summary>Further sbatch arguments, passed as they are (<c>--qos=long</c>, <c>--constraint=a100</c>).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The sbatch arguments for these resources (not the array, log or script).</summary>
    public IEnumerable<string> SbatchArguments()
    {
        if (Partition is not null)
        {
            yield return $"--partition={Partition}";
        }

        if (Account is not null)
        {
            yield return $"--account={Account}";
        }

        if (Time is not null)
        {
            yield return $"--time={Time}";
        }

        if (Memory is not null)
        {
            yield return $"--mem={Memory}";
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"--cpus-per-task={Cpus}");
        if (Gpus > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"--gres=gpu:{Gpus}");
        }

        foreach (var argument in ExtraArguments)
        {
            yield return argument;
        }
    }
}
