namespace Sonique.Engine;

public enum ItemOutcome
{
    Ran,
    Restored,
    Failed,
}

/// <summary>What one stage did in one run.</summary>
public sealed record StageReport(string Stage, int Items, int Fresh, int Ran, int Restored, int Failed, int KnownFailures, TimeSpan Duration)
{
    public bool DidNothing => Ran == 0 && Restored == 0 && Failed == 0;
}

public enum StageState
{
    Fresh,
    Stale,
    NeverRun,

    /// <summary>The stage cannot even list its items yet: what it reads has not been made.</summary>
    Waiting,
}

/// <summary>Why one item is stale or failed.</summary>
public sealed record ItemStatus(string Key, IReadOnlyList<string> Reasons);

/// <summary>A stage's state without running it, with the reasons a user needs to trust it.</summary>
public sealed record StageStatus(string Stage, StageState State, IReadOnlyList<string> Reasons)
{
    public int Items { get; init; }

    public int StaleItems { get; init; }

    public int FailedItems { get; init; }

    public IReadOnlyList<ItemStatus> FirstStale { get; init; } = [];

    public IReadOnlyList<ItemStatus> FirstFailed { get; init; } = [];
}

/// <summary>Receives what the engine does, for progress bars and logs.</summary>
public interface IPipelineObserver
{
    void StageStarting(string stage, int items, int toDo);

    void ItemFinished(string stage, string key, ItemOutcome outcome, string? detail);

    void StageFinished(StageReport report);

    void Warning(string stage, string message);

    /// <summary>Transfers to or from a remote cache: objects and bytes so far, for a progress bar.</summary>
    void Transferring(TransferProgress progress)
    {
    }
}
