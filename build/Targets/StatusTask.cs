using Cake.Core.Diagnostics;
using System.Text;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;

namespace Sonique.Build.Targets;

[TaskName("Status")]
[TaskDescription("For every stage: fresh, stale (and why) or never run, without running anything")]
public sealed class StatusTask : AsyncFrostingTask<SoniqueContext>
{
    public override async Task RunAsync(SoniqueContext context)
    {
        var staleUpstream = new List<string>();
        var stages = context.Tasks.StagesInOrder();
        if (stages.Count == 0)
        {
            context.Log.Information("No pipeline stages are registered in this build.");
        }

        foreach (var entry in stages)
        {
            var status = await context.Pipeline.GetStatusAsync(((StageTask)entry.Task).Define(context), context.Cancellation);
            var upstream = entry.Dependencies.Where(staleUpstream.Contains).ToList();
            if (status.State != StageState.Fresh || upstream.Count > 0)
            {
                staleUpstream.Add(entry.Name);
            }

            context.Log.Information(Describe(status, upstream));
        }
    }

    public static string Describe(StageStatus status, IReadOnlyList<string>? staleUpstream = null)
    {
        var text = new StringBuilder();
        var state = status.State switch
        {
            StageState.Fresh when staleUpstream is { Count: > 0 } => "stale",
            StageState.Fresh => "fresh",
            StageState.Stale => "stale",
            StageState.NeverRun => "never run",
            _ => "waiting",
        };
        text.Append(status.Stage).Append(": ").Append(state);
        var reasons = status.Reasons.ToList();
        if (staleUpstream is { Count: > 0 })
        {
            reasons.Add($"upstream {string.Join(", ", staleUpstream)} will change first");
        }

        if (reasons.Count > 0)
        {
            text.Append(" (").Append(string.Join("; ", reasons)).Append(')');
        }

        foreach (var item in status.FirstStale)
        {
            text.Append("\n    ").Append(item.Key).Append(": ").Append(string.Join("; ", item.Reasons));
        }

        if (status.StaleItems > status.FirstStale.Count)
        {
            text.Append("\n    ... and ").Append(status.StaleItems - status.FirstStale.Count).Append(" more");
        }

        foreach (var item in status.FirstFailed)
        {
            text.Append("\n    failed ").Append(item.Key).Append(": ").Append(string.Join("; ", item.Reasons));
        }

        return text.ToString();
    }
}
