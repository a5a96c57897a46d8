using Sonique.Build.Host;
using Sonique.Engine;

namespace Sonique.Build.Frosting;

/// <summary>
/// A pipeline stage as a Cake task: the subclass declares what it reads of other stages and what it writes (as
/// <see cref="Artifact"/>s), and the stage itself (inputs, parameters, outputs and the one call into src/); the engine
/// decides whether it runs, restores or has nothing to do.
/// </summary>
public abstract class StageTask : AsyncFrostingTask<SoniqueContext>
{
    /// <summary>The other stages' artifacts this stage reads: the stages it comes after follow from these.</summary>
    public abstract IReadOnlyList<Artifact> Reads { get; }

    /// <summary>Everything this stage writes (static fields of the task, which the readers name).</summary>
    public abstract IReadOnlyList<Artifact> Writes { get; }

    public abstract StageDefinition Define(SoniqueContext context);

    /// <summary>A unit stage that wants a node of its own (a GPU) under <c>--executor=slurm</c>: it runs as a job unless
    /// <c>slurm.stages.&lt;Stage&gt;.on_login_node</c> says otherwise; the other unit stages run on the login node.</summary>
    public virtual bool WantsItsOwnNode => false;

    /// <summary>
    /// The stage held to its declaration: an input under artifacts/ that none of <see cref="Reads"/> covers, or an output
    /// that none of <see cref="Writes"/> covers, stops the stage before it does anything, so the graph the tasks are ordered
    /// by is the graph the stages really have. For a per-item stage the items are checked as they are listed.
    /// </summary>
    public StageDefinition Declared(SoniqueContext context)
    {
        switch (Define(context))
        {
            case UnitStage unit:
                CheckDeclared(unit.Name, unit.Inputs, unit.Outputs);
                return unit;
            case ItemStage items:
                var list = items.Items;
                return new ItemStage(items.Name, items.Version)
                {
                    Parameters = items.Parameters,
                    Items = async ct =>
                    {
                        var listed = await list(ct);
                        foreach (var item in listed)
                        {
                            CheckDeclared(items.Name, item.Inputs, item.Outputs);
                        }

                        return listed;
                    },
                    Run = items.Run,
                };
            case var other:
                return other;
        }
    }

    public override async Task RunAsync(SoniqueContext context)
    {
        var stage = Declared(context);
        if (context.Options.ShardOf is { } shard)
        {
            // An array task: its login node holds the run lock and writes the lock file and the run record.
            await SlurmStages.RunShardAsync(context, stage, shard);
            return;
        }

        var report = context.Options.Executor == ExecutorKind.Slurm
            ? await (await context.SlurmExecutorAsync()).RunStageAsync(context.Pipeline, stage, context.Cancellation)
            : await context.Pipeline.RunAsync(stage, context.Cancellation);
        context.Reports.Add(report);
        await RunRecord.WriteAsync(context, context.Cancellation);
    }

    /// <summary>Throws <see cref="StageFailedException"/> naming the first input under artifacts/ that none of
    /// <see cref="Reads"/> covers, or the first output that none of <see cref="Writes"/> covers.</summary>
    public void CheckDeclared(string stage, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.FirstOrDefault(i => i.StartsWith(Artifact.Root, StringComparison.Ordinal) && !Reads.Any(r => r.Covers(i))) is { } undeclared)
        {
            throw new StageFailedException(stage, $"it reads '{undeclared}', which is none of the artifacts it declares it reads ({string.Join(", ", Reads)})");
        }

        if (outputs.FirstOrDefault(o => !Writes.Any(w => w.Covers(o))) is { } unwritten)
        {
            throw new StageFailedException(stage, $"it writes '{unwritten}', which is none of the artifacts it declares it writes ({string.Join(", ", Writes)})");
        }
    }
}
