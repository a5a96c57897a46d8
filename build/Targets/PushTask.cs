using Cake.Core.Diagnostics;
using Sonique.Build.Frosting;
using Sonique.Build.Host;

namespace Sonique.Build.Targets;

[TaskName("Push")]
[TaskDescription("Uploads to the remote cache (cache.remote or --remote) every result the lock file records, the blobs first and then their records, skipping what the remote has; runs nothing (like dvc push)")]
public sealed class PushTask : AsyncFrostingTask<SoniqueContext>
{
    public override async Task RunAsync(SoniqueContext context)
    {
        var remote = context.RequireRemote("Push");
        var stages = context.Tasks.StagesInOrder().Select(e => ((StageTask)e.Task).Declared(context)).ToList();
        var results = await context.Pipeline.PushAsync(stages, context.Cancellation);
        context.Log.Information($"Pushed to {remote.Name}: {results} result(s) of {stages.Count} stage(s), with their contents (what the remote had already was not sent again).");
    }
}
