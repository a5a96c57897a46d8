using System.Linq.Expressions;
using Cake.Core;
using Sonique.Analysis;
using Sonique.Cluster;
using Sonique.Engine;
using Sonique.Engine.Hashing;
using Sonique.Ingest.Download;

namespace Sonique.Build.Host;

/// <summary>What every task sees: Cake's context (so Cake.Common's aliases work) plus the workspace,
/// the profile, the switches, the incremental engine and the run's cancellation.</summary>
public sealed class SoniqueContext : CakeContextAdapter, IDisposable
{
    private readonly IPipelineObserver _observer;
    private readonly List<IDisposable> _owned = [];
    private Pipeline? _pipeline;
    private Pipeline? _reader;
    private FileHashCache? _settingFiles;
    private IRemoteCache? _remote;
    private SlurmExecutor? _slurm;

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

    /// <summary>When this run started (for the run record; never in an artifact).</summary>
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>What each stage did in this run, in order.</summary>
    public List<StageReport> Reports { get; } = [];

    /// <summary>The engine, opened on first use: that takes the workspace's run lock, held until the run ends.</summary>
    public Pipeline Pipeline => _pipeline ??= Pipeline.Open(Workspace, RunPipelineOptions);

    /// <summary>What a run's engine is opened with, on this machine or in a cluster's array task.</summary>
    public PipelineOptions RunPipelineOptions =>
        new()
        {
            Jobs = Options.Jobs,
            ForceAll = Options.ForceAll,
            ForceStages = Options.ForceStages,
            Observer = _observer,
            ItemFailureOf = ItemFailureOf,
            Remote = Remote,
            PushToRemote = Options.Push,
            RemoteTransfers = Config.Cache.Transfers,
            CacheType = Config.Cache.Type,
        };

    /// <summary>The Slurm executor (<c>--executor=slurm</c>), made on first use, after the run lock is taken and once no
    /// job of an earlier login node is still in the queue.</summary>
    public async Task<SlurmExecutor> SlurmExecutorAsync()
    {
        if (_slurm is null)
        {
            await TakeRunLockAsync();
            var slurm = SlurmStages.CreateExecutor(this, _observer);
            await slurm.RefuseWhileJobsAreLiveAsync(Cancellation);
            _slurm = slurm;
        }

        return _slurm;
    }

    /// <summary>Opens the engine; a detached run's stage job waits for the run lock a while (the login node that
    /// submitted it, or the stage job before it, may not have let go yet), any other run is refused at once.</summary>
    private async Task TakeRunLockAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                _ = Pipeline;
                return;
            }
            catch (WorkspaceBusyException) when (Options.StageJobOf is not null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), Cancellation);
            }
        }
    }

    /// <summary>The remote cache (<c>--remote</c>, else <c>cache.remote</c>), or null when none is set.</summary>
    public IRemoteCache? Remote => _remote ??= Config.Cache.OpenRemote(Options.Remote);

    /// <summary>The remote cache, for a target that has nothing to do without one (Push, Pull).</summary>
    public IRemoteCache RequireRemote(string target) =>
        Remote ?? throw new InvalidOperationException($"{target} needs a remote cache: set cache.remote in the profile (--config=FILE) or pass --remote=URL.");

    /// <summary>The engine opened for reading only (Status, --dryrun): no run lock, nothing written, so it works on a
    /// read-only workspace and while a run is going.</summary>
    public Pipeline Reader => _reader ??= Pipeline.OpenForReading(Workspace, new PipelineOptions
    {
        Jobs = Options.Jobs,
        ForceAll = Options.ForceAll,
        ForceStages = Options.ForceStages,
    });

    /// <summary>The libraries name a clip they cannot use in their own terms, knowing nothing of the engine; to the
    /// engine, that clip's item fails alone with the library's reason (and is retried only when that may help).</summary>
    public static ItemFailedException? ItemFailureOf(Exception failure) => failure switch
    {
        ClipDownloadException download => new ItemFailedException(download.Message, download.Permanent, download),
        ClipAnalysisException analysis => new ItemFailedException(analysis.Message, permanent: true, analysis),
        _ => null,
    };

    /// <summary>A stage's parameters: the given settings of the profile (<c>c => c.Download</c>, a whole section;
    /// <c>c => c.Generate.Template</c>, one value), every setting under them in, as their declarations say
    /// (<see cref="ProfileParameters"/>).</summary>
    public IReadOnlyDictionary<string, string> ParametersOf(params Expression<Func<SoniqueConfig, object?>>[] settings) =>
        ProfileParameters.Of(Config, settings, ContentOf);

    /// <summary>A content-hashed setting's file (a model, perhaps gigabytes, perhaps outside the workspace) as its content
    /// hash, remembered by its stamp as the engine remembers inputs, so that an unchanged model is read once.</summary>
    private string ContentOf(string path)
    {
        _settingFiles ??= FileHashCache.Load(SettingFilesPath);
        return _settingFiles.TryHash(Path.GetFullPath(path, Workspace.Root), Cancellation)?.ToString() ?? "missing";
    }

    private string SettingFilesPath => Path.Combine(Workspace.CacheDirectory, "setting-files.bin");

    /// <summary>Shows a warning beside the stage's progress (and in CI's plain log).</summary>
    public void Warn(string stage, string message) => _observer.Warning(stage, message);

    /// <summary>Keeps something that lives for the whole run (a loaded model) and disposes of it when the run
    /// ends, so that a stage loads it once, not once per item.</summary>
    public T Own<T>(T resource)
        where T : IDisposable
    {
        lock (_owned)
        {
            _owned.Add(resource);
        }

        return resource;
    }

    /// <summary>Loads what every item of a stage needs (a model), kept for the run (<see cref="Own{T}"/>). When it cannot
    /// load, the stage fails once with the loader's message, which names the file, instead of failing item by item.</summary>
    public async Task<T> LoadForStageAsync<T, TLoadFailure>(string stage, Func<Task<T>> load)
        where T : IDisposable
        where TLoadFailure : Exception
    {
        try
        {
            return Own(await load());
        }
        catch (TLoadFailure e)
        {
            throw new StageFailedException(stage, e.Message, e);
        }
    }

    public void Dispose()
    {
        foreach (var resource in _owned)
        {
            resource.Dispose();
        }

        // Only a run that holds the workspace writes the cache; Status works on a read-only workspace.
        if (_pipeline is not null)
        {
            _settingFiles?.Save();
        }

        _pipeline?.Dispose();
        _reader?.Dispose();
        (_remote as IDisposable)?.Dispose();
    }
}

