using System.Collections.Concurrent;

namespace Sonique.Engine.Tests;

internal sealed class RecordingObserver : IPipelineObserver
{
    public ConcurrentQueue<string> Warnings { get; } = new();

    public ConcurrentQueue<(string Stage, string Key, ItemOutcome Outcome)> Items { get; } = new();

    public void StageStarting(string stage, int items, int toDo)
    {
    }

    /// <summary>Called after each item is recorded, on the item's thread: a test's hook into the middle of a run.</summary>
    public Action? OnItemFinished { get; init; }

    public void ItemFinished(string stage, string key, ItemOutcome outcome, string? detail)
    {
        Items.Enqueue((stage, key, outcome));
        OnItemFinished?.Invoke();
    }

    public void StageFinished(StageReport report)
    {
    }

    public void Warning(string stage, string message) => Warnings.Enqueue(message);
}
