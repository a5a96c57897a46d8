using System.Diagnostics;

namespace Sonique.Engine;

/// <summary>
/// A per-item stage whose stale items run as shards elsewhere, seen from the run that holds the lock: what there is
/// to do, the shards' finished items committed as their journals are read (each reported to the observer, as a local
/// run's), and the stage's end. Items no shard finished stay unrecorded, so the next run does them.
/// </summary>
public sealed class ShardedStageRun
{
    private readonly StagePlan _plan;
    private readonly StageRecords _records;
    private readonly IReadOnlyList<ItemVerdict> _verdicts;
    private readonly bool _force;
    private readonly IPipelineObserver? _observer;
    private readonly Dictionary<string, StageItem> _toDo;
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _failed;

    internal ShardedStageRun(StagePlan plan, StageRecords records, IReadOnlyList<ItemVerdict> verdicts, bool force, IPipelineObserver? observer)
    {
        _plan = plan;
        _records = records;
        _verdicts = verdicts;
        _force = force;
        _observer = observer;
        ToDo = verdicts.Where(v => force || v.Kind == VerdictKind.Stale).Select(v => v.Item).ToList();
        _toDo = ToDo.ToDictionary(i => i.Key, StringComparer.Ordinal);
        observer?.StageStarting(plan.Name, plan.Items.Count, ToDo.Count);
    }

    public string Stage => _plan.Name;

    /// <summary>The items to run, in the stage's order: what a shard is given (<see cref="Pipeline.RunShardAsync"/>), so
    /// that it need not list the stage again.</summary>
    public IReadOnlyList<StageItem> ToDo { get; }

    /// <summary>How many of <see cref="ToDo"/> a shard has finished (succeeded or failed) so far.</summary>
    public int Finished => _finished.Count;

    /// <summary>The items of <see cref="ToDo"/> no shard has finished yet, in the stage's order.</summary>
    public IReadOnlyList<StageItem> Unfinished => ToDo.Where(i => !_finished.Contains(i.Key)).ToList();

    /// <summary>Commits what the shard's journal gained since the last read; returns how many items that was. A line
    /// of another stage, of an item not to do, or of one already committed is ignored.</summary>
    public int Fold(ShardJournalReader journal)
    {
        var folded = 0;
        foreach (var entry in journal.ReadNew())
        {
            if (entry.Stage != _plan.Name || !_toDo.TryGetValue(entry.Item, out var item) || !_finished.Add(entry.Item))
            {
                continue;
            }

            _records.Keep(item, entry.Record!);
            folded++;
            var failure = entry.Record!.Failure;
            if (failure is not null)
            {
                _failed++;
            }

            _observer?.ItemFinished(_plan.Name, entry.Item, failure is null ? ItemOutcome.Ran : ItemOutcome.Failed, failure);
        }

        return folded;
    }

    /// <summary>Ends the stage as a local run does: its record now describes exactly the items listed. Call it once
    /// every item is finished; with items left unfinished, leave the stage open and the next run does them.</summary>
    public StageReport Finish()
    {
        _records.Close();
        var report = new StageReport(
            _plan.Name,
            _plan.Items.Count,
            Fresh: _force ? 0 : _verdicts.Count(v => v.Kind == VerdictKind.Fresh),
            Ran: _finished.Count - _failed,
            Restored: 0,
            Failed: _failed,
            KnownFailures: _force ? 0 : _verdicts.Count(v => v.Kind == VerdictKind.KnownFailure),
            _clock.Elapsed);
        _observer?.StageFinished(report);
        return report;
    }
}
