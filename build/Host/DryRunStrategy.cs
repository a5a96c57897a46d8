using Cake.Core;
using Cake.Core.Diagnostics;
using Sonique.Build.Frosting;
using Sonique.Build.Targets;

namespace Sonique.Build.Host;

/// <summary>--dryrun: walks the same graph, and says for each stage what it would do, without doing it.</summary>
public sealed class DryRunStrategy(ICakeLog log, SoniqueContext sonique, TaskCatalog catalog) : IExecutionStrategy
{
    public void PerformSetup(Action<ISetupContext> action, ISetupContext context)
    {
    }

    public void PerformTeardown(Action<ITeardownContext> action, ITeardownContext teardownContext)
    {
    }

    public async Task ExecuteAsync(CakeTask task, ICakeContext context)
    {
        var entry = catalog.Entries.Single(e => e.Name == task.Name);
        if (entry.Task is StageTask stage)
        {
            var status = await sonique.Reader.GetStatusAsync(stage.Declared(sonique), sonique.Cancellation);
            var forced = sonique.Options.ForceAll || sonique.Options.ForceStages.Contains(task.Name);
            log.Information($"Would run {task.Name}: {(forced ? "forced" : StatusTask.Describe(status))}");
        }
        else
        {
            log.Information($"Would run {task.Name}");
        }
    }

    public void Skip(CakeTask task, CakeTaskCriteria criteria) => log.Information($"Would skip {task.Name}");

    public Task ReportErrorsAsync(Func<Exception, Task> action, Exception exception) => Task.CompletedTask;

    public Task HandleErrorsAsync(Func<Exception, ICakeContext, Task> action, Exception exception, ICakeContext context) => Task.CompletedTask;

    public Task InvokeFinallyAsync(Func<ICakeContext, Task> action, ICakeContext context) => Task.CompletedTask;

    public void PerformTaskSetup(Action<ITaskSetupContext> action, ITaskSetupContext taskSetupContext)
    {
    }

    public void PerformTaskTeardown(Action<ITaskTeardownContext> action, ITaskTeardownContext taskTeardownContext)
    {
    }
}
