using System.Diagnostics;

namespace Sonique.Engine;

/// <summary>
/// Brings a stage up to date: each stale item is restored from the store when it was computed before, or run
/// (items in parallel) into its own staging folder and published; each is recorded the moment it finishes, and
/// reported to the observer for progress. With a remote cache, what ran is pushed as it finishes, and the stage ends
/// when its pushes have.
/// </summary>
internal sealed class StageRunner(Workspace workspace, Staleness staleness, OutputRestorer restorer, OutputStaging staging, RunCache runs, PipelineOptions options, RemoteCacheSync? remote = null)
{
    private IPipelineObserver? Observer => options.Observer;

    /// <summary>Brings the stage up to date; with <paramref name="restoreOnly"/>, only by restoring (a checkout): an item
    /// that cannot be restored stays as it is, neither run nor recorded.</summary>
    public async Task<StageReport> RunAsync(StagePlan plan, StageRecords records, CancellationToken cancellationToken, bool restoreOnly = false)
    {
        var clock = Stopwatch.StartNew();
        var verdicts = await staleness.JudgeAsync(plan, records, cancellationToken);
        var force = options.IsForced(plan.Name);
        var work = verdicts.Where(v => (force && !restoreOnly) || v.Kind == VerdictKind.Stale).ToList();

        Observer?.StageStarting(plan.Name, plan.Items.Count, work.Count);
        int ran = 0, restored = 0, failed = 0;
        // With a remote, as many items as there are transfers try to restore at once (a pull waits on the network, not on
        // the cores), and the items that must run take turns at the stage's jobs.
        using var runSlots = new SemaphoreSlim(options.Jobs);
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(options.Jobs, remote?.Transfers ?? 0), CancellationToken = cancellationToken },
            async (verdict, token) =>
            {
                if (restoreOnly)
                {
                    if (verdict.MissingInput is null && await RestoreAsync(plan, records, verdict, token))
                    {
                        Interlocked.Increment(ref restored);
                        Observer?.ItemFinished(plan.Name, verdict.Item.Key, ItemOutcome.Restored, null);
                    }

                    return;
                }

                var (outcome, detail) = await BringUpToDateAsync(plan, records, verdict, allowRestore: !force, runSlots, token);
                switch (outcome)
                {
                    case ItemOutcome.Ran: Interlocked.Increment(ref ran); break;
                    case ItemOutcome.Restored: Interlocked.Increment(ref restored); break;
                    default: Interlocked.Increment(ref failed); break;
                }

                Observer?.ItemFinished(plan.Name, verdict.Item.Key, outcome, detail);
            });

        records.Close();
        if (remote is not null)
        {
            remote.CompletePulls();
            await remote.CompletePushesAsync();
        }

        var report = new StageReport(
            plan.Name,
            plan.Items.Count,
            Fresh: force ? 0 : verdicts.Count(v => v.Kind == VerdictKind.Fresh),
            ran,
            restored,
            failed,
            KnownFailures: force ? 0 : verdicts.Count(v => v.Kind == VerdictKind.KnownFailure),
            clock.Elapsed);
        Observer?.StageFinished(report);
        return report;
    }

    private async Task<(ItemOutcome Outcome, string? Detail)> BringUpToDateAsync(
        StagePlan plan,
        StageRecords records,
        ItemVerdict verdict,
        bool allowRestore,
        SemaphoreSlim runSlots,
        CancellationToken cancellationToken)
    {
        var item = verdict.Item;
        var record = NewRecord(verdict);

        if (verdict.MissingInput is not null)
        {
            return Fail(plan, records, item, record, $"input '{verdict.MissingInput}' is missing", permanent: false, cause: null);
        }

        if (allowRestore && await RestoreAsync(plan, records, verdict, cancellationToken))
        {
            return (ItemOutcome.Restored, null);
        }

        await runSlots.WaitAsync(cancellationToken);
        var folder = staging.NewFolder();
        try
        {
            var staged = staging.PathsFor(folder, item.Outputs);
            await plan.RunAsync(item, item.Inputs.Select(workspace.Resolve).ToList(), staged, cancellationToken);
            // Finished work is kept even when a stop was asked for meanwhile: publishing is short, and redoing the item is not.
            record.Outputs = await staging.PublishAsync(item.Outputs, staged, folder, CancellationToken.None);
            runs.Put(verdict.Fingerprint, record.Outputs);
            records.Keep(item, record);
            remote?.EnqueuePush(plan.Name, verdict.Fingerprint, record.Outputs, cancellationToken);
            return (ItemOutcome.Ran, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (StageFailedException)
        {
            // The item's run says the whole stage cannot work (a backend that cannot load): it fails once, here,
            // instead of every item failing with the same reason.
            throw;
        }
        catch (Exception e) when (ItemFailure(e) is { } failure)
        {
            return Fail(plan, records, item, record, failure.Message, failure.Permanent, e);
        }
        catch (Exception e) when (!plan.IsUnit)
        {
            // Any other error fails this item alone; a unit stage's propagates as it is.
            return Fail(plan, records, item, record, $"{e.GetType().Name}: {e.Message}", permanent: false, e);
        }
        finally
        {
            OutputStaging.Delete(folder);
            runSlots.Release();
        }
    }

    private async Task<bool> RestoreAsync(StagePlan plan, StageRecords records, ItemVerdict verdict, CancellationToken cancellationToken)
    {
        if (await restorer.TryRestoreAsync(plan.Name, verdict.Fingerprint, verdict.Item.Outputs, cancellationToken) is not { } restored)
        {
            return false;
        }

        var record = NewRecord(verdict);
        record.Outputs = restored;
        records.Keep(verdict.Item, record);
        return true;
    }

    private static ItemRecord NewRecord(ItemVerdict verdict) => new()
    {
        Fingerprint = verdict.Fingerprint.ToString(),
        Values = verdict.Values.Count > 0 ? verdict.Values : null,
        Inputs = verdict.Inputs,
    };

    /// <summary>The engine's own item failure, or a library's failure the host recognises as one.</summary>
    private ItemFailedException? ItemFailure(Exception e) => e as ItemFailedException ?? options.ItemFailureOf?.Invoke(e);

    private static (ItemOutcome, string?) Fail(StagePlan plan, StageRecords records, StageItem item, ItemRecord record, string reason, bool permanent, Exception? cause)
    {
        if (plan.IsUnit)
        {
            // The item is the whole stage: there is nothing else to go on with, and no item failure to record.
            throw new StageFailedException(plan.Name, reason, cause);
        }

        record.Failure = reason;
        record.Permanent = permanent;
        record.Outputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        records.Keep(item, record);
        return (ItemOutcome.Failed, reason);
    }
}
