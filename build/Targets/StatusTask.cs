using System.Text;
using Cake.Core.Diagnostics;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;

namespace Sonique.Build.Targets;

[TaskName("Status")]
[TaskDescription("The stage graph, then for every stage: fresh, stale (and why) or never run, without running anything")]
public sealed class StatusTask : AsyncFrostingTask<SoniqueContext>
{
    public override async Task RunAsync(SoniqueContext context)
    {
        if (context.Reader.RunningRun is { } running)
        {
            context.Log.Information(DescribeRunning(running, context.Reader.RunningProgress));
        }

        foreach (var job in await SlurmStages.DescribeLiveJobsAsync(context))
        {
            context.Log.Information("Slurm " + job);
        }

        var staleUpstream = new List<string>();
        var stages = context.Tasks.StagesInOrder();
        if (stages.Count == 0)
        {
            context.Log.Information("No pipeline stages are registered in this build.");
        }
        else
        {
            context.Log.Information(context.Tasks.DescribeGraph());
        }

        foreach (var entry in stages)
        {
            var status = await context.Reader.GetStatusAsync(((StageTask)entry.Task).Declared(context), context.Cancellation);
            var upstream = entry.Dependencies.Where(staleUpstream.Contains).ToList();
            if (status.State != StageState.Fresh || upstream.Count > 0)
            {
                staleUpstream.Add(entry.Name);
            }

            context.Log.Information(Describe(status, upstream));
        }
    }

    /// <summary>The run that holds the workspace, and what its journal says it has finished in the stage it runs.</summary>
    public static string DescribeRunning(string owner, IReadOnlyList<StageProgress> progress)
    {
        var text = new StringBuilder("A run is going (").Append(owner).Append(").");
        text.Append(progress.Count == 0
            ? " It has finished no item of its current stage yet."
            : " Finished so far: " + string.Join(", ", progress.Select(p => $"{p.Stage} {p.Done} item(s){(p.Failed > 0 ? $" ({p.Failed} failed)" : "")}")) + ".");
        return text.Append(" The stages below are as of now; finished stages show fresh.").ToString();
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
