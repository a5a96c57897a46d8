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

    /// <summary>How outputs and their copies in the store share the disk; a reflink or hard link the file system cannot
    /// make stops <see cref="Pipeline.Open"/> with the reason.</summary>
    public CacheLinkType CacheType { get; init; } = CacheLinkType.Auto;

    /// <summary>A cache shared with other machines: asked when the local cache misses, and given finished work when
    /// <see cref="PushToRemote"/> is set.</summary>
    public IRemoteCache? Remote { get; init; }

    /// <summary>Push finished work to <see cref="Remote"/> (off: pull only).</summary>
    public bool PushToRemote { get; init; } = true;

    /// <summary>How many objects move to or from <see cref="Remote"/> at once.</summary>
    public int RemoteTransfers { get; init; } = 8;

    /// <summary>
    /// Reads a failure that a stage's code reports in its own terms (a library's exception) as the engine's
    /// <see cref="ItemFailedException"/>: that item fails alone with this reason, or a unit stage fails once. Null for
    /// any other exception, which fails a per-item stage's item as an error and propagates from a unit stage.
    /// </summary>
    public Func<Exception, ItemFailedException?>? ItemFailureOf { get; init; }

    internal bool IsForced(string stage) => ForceAll || ForceStages.Contains(stage);
}
