using Cake.Core.Diagnostics;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;

namespace Sonique.Build.Targets;

[TaskName("Pull")]
[TaskDescription("Restores every stage's outputs from the local or remote cache (cache.remote or --remote), stage after stage, without running any; what no cache holds stays to do (like dvc pull)")]
public sealed class PullTask : AsyncFrostingTask<SoniqueContext>
{
    public override async Task RunAsync(SoniqueContext context)
    {
        var remote = context.RequireRemote("Pull");
        int restored = 0, left = 0;
        foreach (var entry in context.Tasks.StagesInOrder())
        {
            StageReport report;
            try
            {
                report = await context.Pipeline.PullAsync(((StageTask)entry.Task).Declared(context), context.Cancellation);
            }
            catch (StageFailedException e)
            {
                // Its items cannot be listed before what it reads is there: pulled only once that stage's is.
                context.Log.Information($"{entry.Name}: waiting ({e.Message})");
                continue;
            }

            context.Reports.Add(report);
            restored += report.Restored;
            left += report.Items - report.Fresh - report.Restored - report.KnownFailures;
        }

        if (context.Pipeline.RemoteFailure is { } failure)
        {
            throw new InvalidOperationException($"Pull stopped: {failure}");
        }

        context.Log.Information(left == 0
            ? $"Pulled from {remote.Name}: {restored} item(s) restored; every stage is fresh."
            : $"Pulled from {remote.Name}: {restored} item(s) restored; {left} item(s) are in no cache (./build.sh computes them).");
    }
}

