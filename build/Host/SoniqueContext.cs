using Cake.Core;
using Sonique.Engine;

namespace Sonique.Build.Host;

/// <summary>What every task sees: Cake's context (so Cake.Common's aliases work) plus the workspace,
/// the profile, the switches, the incremental engine and the run's cancellation.</summary>
public sealed class SoniqueContext : CakeContextAdapter, IDisposable
{
    private readonly IPipelineObserver _observer;
    private Pipeline? _pipeline;

    public SoniqueContext(
        ICakeContext cake,
        RunOptions options,
        SoniqueConfig config,
        IPipelineObserver observer,
        TaskCatalog tasks,
        CancellationToken cancellation)
        : base(cake)
    {
        Options = options;
        Config = config;
        _observer = observer;
        Cancellation = cancellation;
        Tasks = tasks;
        Workspace = new Workspace(options.WorkspaceRoot);
    }

    public RunOptions Options { get; }

    public SoniqueConfig Config { get; }

    public Workspace Workspace { get; }

    public CancellationToken Cancellation { get; }

    public TaskCatalog Tasks { get; }

    /// <summary>What each stage did in this run, in order.</summary>
    public List<StageReport> Reports { get; } = [];

    /// <summary>The engine, opened on first use: that takes the workspace's run lock, held until the run ends.</summary>
    public Pipeline Pipeline => _pipeline ??= Pipeline.Open(Workspace, new PipelineOptions
    {
        Jobs = Options.Jobs,
        ForceAll = Options.ForceAll,
        ForceStages = Options.ForceStages,
        Observer = _observer,
    });

    /// <summary>Shows a warning beside the stage's progress (and in CI's plain log).</summary>
    public void Warn(string stage, string message) => _observer.Warning(stage, message);

    public void Dispose() => _pipeline?.Dispose();
}

