namespace Sonique.Engine;

public sealed class PipelineOptions
{
    /// <summary>How many items of a per-item stage run at once.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Recompute every stage, ignoring both freshness and the run cache.</summary>
    public bool ForceAll { get; init; }

    /// <summary>Recompute these stages only.</summary>
    public IReadOnlySet<string> ForceStages { get; init; } = new HashSet<string>();

    public IPipelineObserver? Observer { get; init; }

    internal bool IsForced(string stage) => ForceAll || ForceStages.Contains(stage);
}
