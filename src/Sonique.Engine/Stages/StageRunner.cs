using System.Diagnostics;

namespace Sonique.Engine;

/// <summary>
/// Brings a stage up to date: each stale item is restored from the store when it was computed before, or run
/// (items in parallel) into its own staging folder and published; each is recorded the moment it finishes, and
/// reported to the observer for progress.
/// </summary>
internal sealed class StageRunner(Workspace workspace, Staleness staleness, OutputRestorer restorer, OutputStaging staging, RunCache runs, PipelineOptions options)
{
    private IPipelineObserver? Observer => options.Observer;

    public async Task<StageReport> RunAsync(StagePlan plan, StageRecords records, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var verdicts = await staleness.JudgeAsync(plan, records, cancellationToken);
        var force = options.IsForced(plan.Name);
        var work = verdicts.Where(v => force || v.Kind == VerdictKind.Stale).ToList();

        Observer?.StageStarting(plan.Name, plan.Items.Count, work.Count);
        int ran = 0, restored = 0, failed = 0;
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = options.Jobs, CancellationToken = cancellationToken },
            async (verdict, token) =>
            {
                var (outcome, detail) = await BringUpToDateAsync(plan, records, verdict, allowRestore: !force, token);
                switch (outcome)
                {
                    case ItemOutcome.Ran: Interlocked.Increment(ref ran); break;
                    case ItemOutcome.Restored: Interlocked.Increment(ref restored); break;
                    default: Interlocked.Increment(ref failed); break;
                }

                Observer?.ItemFinished(plan.Name, verdict.Item.Key, outcome, detail);
            });

        records.Close();
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
        CancellationToken cancellationToken)
    {
        var item = verdict.Item;
        var record = new ItemRecord
        {
            Fingerprint = verdict.Fingerprint.ToString(),
            Values = verdict.Values.Count > 0 ? verdict.Values : null,
            Inputs = verdict.Inputs,
        };

        if (verdict.MissingInput is not null)
        {
            return Fail(plan, records, item, record, $"input '{verdict.MissingInput}' is missing", permanent: false, cause: null);
        }

        if (allowRestore && await restorer.TryRestoreAsync(plan.Name, verdict.Fingerprint, item.Outputs, cancellationToken) is { } restored)
        {
            record.Outputs = restored;
            records.Keep(item, record);
            return (ItemOutcome.Restored, null);
        }

        var folder = staging.NewFolder();
        try
        {
            var staged = staging.PathsFor(folder, item.Outputs);
            await plan.RunAsync(item, item.Inputs.Select(workspace.Resolve).ToList(), staged, cancellationToken);
            // Finished work is kept even when a stop was asked for meanwhile: publishing is short, and redoing the item is not.
            record.Outputs = await staging.PublishAsync(item.Outputs, staged, folder, CancellationToken.None);
            runs.Put(verdict.Fingerprint, record.Outputs);
            records.Keep(item, record);
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
        }
    }

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
