using Sonique.Build.Host;
using Sonique.Engine;

namespace Sonique.Build.Frosting;

/// <summary>
/// A pipeline stage as a Cake task: the subclass declares the stage (inputs, parameters, outputs and the
/// one call into src/); the engine decides whether it runs, restores or has nothing to do.
/// </summary>
public abstract class StageTask : AsyncFrostingTask<SoniqueContext>
{
    public abstract StageDefinition Define(SoniqueContext context);

    public override async Task RunAsync(SoniqueContext context)
    {
        var report = await context.Pipeline.RunAsync(Define(context), context.Cancellation);
        context.Reports.Add(report);
        await RunRecord.WriteAsync(context, context.Cancellation);
    }
}
