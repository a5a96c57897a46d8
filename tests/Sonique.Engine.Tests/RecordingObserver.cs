using System.Collections.Concurrent;

namespace Sonique.Engine.Tests;

internal sealed class RecordingObserver : IPipelineObserver
{
    public ConcurrentQueue<string> Warnings { get; } = new();

    public ConcurrentQueue<(string Stage, string Key, ItemOutcome Outcome)> Items { get; } = new();

    public void StageStarting(string stage, int items, int toDo)
    {
    }

    public void ItemFinished(string stage, string key, ItemOutcome outcome, string? detail) => Items.Enqueue((stage, key, outcome));

    public void StageFinished(StageReport report)
    {
    }

    public void Warning(string stage, string message) => Warnings.Enqueue(message);
}
