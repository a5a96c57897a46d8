using Cake.Core.Diagnostics;
using Sonique.Build.Frosting;
using Sonique.Build.Host;

namespace Sonique.Build.Targets;

[TaskName("Default")]
[TaskDescription("The whole pipeline, every stage in order (what ./build.sh runs with no target)")]
[IsDependentOnEveryStage]
public sealed class DefaultTask : AsyncFrostingTask<SoniqueContext>
{
    public override Task RunAsync(SoniqueContext context)
    {
        context.Log.Information(context.Reports.Count == 0
            ? "No pipeline stages are registered in this build."
            : $"Pipeline done: {context.Reports.Count(r => !r.DidNothing)} of {context.Reports.Count} stage(s) did work. See ./build.sh --target=Status.");
        return Task.CompletedTask;
    }
}
