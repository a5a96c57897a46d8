namespace Sonique.Engine;

/// <summary>A stage's state as a user reads it: fresh, stale or never run, with the reasons behind it.</summary>
internal static class StatusReporting
{
    /// <summary>How many stale and failed items a status names, with their reasons.</summary>
    private const int ItemsNamed = 5;

    public static StageStatus Describe(StagePlan plan, StageRecords records, IReadOnlyList<ItemVerdict> verdicts)
    {
        var stale = verdicts.Where(v => v.Kind == VerdictKind.Stale).ToList();
        var failed = verdicts.Where(v => v.Kind == VerdictKind.KnownFailure).ToList();
        var state = records.NeverRun ? StageState.NeverRun : stale.Count > 0 ? StageState.Stale : StageState.Fresh;
        if (plan.IsUnit)
        {
            // The one item is the stage: its reasons are the stage's, without a list of one item.
            return new StageStatus(plan.Name, state, verdicts[0].Reasons) { Items = 1, StaleItems = stale.Count };
        }

        var reasons = new List<string>();
        if (stale.Count > 0)
        {
            reasons.Add($"{stale.Count} of {verdicts.Count} items stale");
        }

        if (failed.Count > 0)
        {
            reasons.Add($"{failed.Count} items failed and will not be retried until their inputs change");
        }

        return new StageStatus(plan.Name, state, reasons)
        {
            Items = verdicts.Count,
            StaleItems = stale.Count,
            FailedItems = failed.Count,
            FirstStale = stale.Take(ItemsNamed).Select(v => new ItemStatus(v.Item.Key, v.Reasons)).ToList(),
            FirstFailed = failed.Take(ItemsNamed).Select(v => new ItemStatus(v.Item.Key, v.Reasons)).ToList(),
        };
    }
}
