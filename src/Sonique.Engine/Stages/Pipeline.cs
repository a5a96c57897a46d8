using Sonique.Engine.Hashing;

namespace Sonique.Engine;

/// <summary>
/// Runs stages incrementally in one workspace: decides what is stale and why (<see cref="Staleness"/>), restores
/// what was computed before (<see cref="OutputRestorer"/>), runs the rest, items in parallel, through staging
/// (<see cref="StageRunner"/>, <see cref="OutputStaging"/>), and records every result durably (<see cref="StageRecords"/>).
/// Both kinds of stage take that one path (<see cref="StagePlan"/>). One open pipeline holds the workspace's run lock
/// until it is disposed; one opened for reading (<see cref="OpenForReading"/>) holds nothing.
/// </summary>
public sealed class Pipeline : IDisposable
{
    private readonly WorkspaceLock? _runLock;
    private readonly LockFile? _lockFile;
    private readonly FileHashCache _hashes;
    private readonly Staleness _staleness;
    private readonly StageRunner _runner;
    private readonly PipelineOptions _options;
    private readonly ContentStore _store;
    private readonly RemoteCacheSync? _remote;

    private Pipeline(Workspace workspace, PipelineOptions options, WorkspaceLock? runLock, ContentStore store, LockFile? lockFile, FileHashCache hashes, CacheLinkType linkType = CacheLinkType.Copy)
    {
        Workspace = workspace;
        LinkType = linkType;
        _runLock = runLock;
        _lockFile = lockFile;
        _hashes = hashes;
        _options = options;
        _store = store;
        var runs = new RunCache(workspace.RunCacheDirectory);
        var staging = new OutputStaging(workspace, store, hashes);
        _staleness = new Staleness(workspace, hashes, options.Jobs);
        _remote = options.Remote is { } remote ? new RemoteCacheSync(remote, store, options.PushToRemote, options.RemoteTransfers, options.Observer) : null;
        _runner = new StageRunner(workspace, _staleness, new OutputRestorer(workspace, runs, store, hashes, staging, options.Observer, _remote), staging, runs, options, _remote);
    }

    public Workspace Workspace { get; }

    /// <summary>How this run's outputs and the store share the disk: the type asked for, or what <see cref="CacheLinkType.Auto"/>
    /// found the file system allows.</summary>
    public CacheLinkType LinkType { get; }

    /// <summary>Files read for hashing in this run (not answered from the hash cache).</summary>
    public long FilesHashed => _hashes.FilesHashed;

    /// <summary>Inputs and outputs whose stamp was read to tell whether they changed since this pipeline was opened.</summary>
    public long StampsRead => _hashes.StampsRead;

    /// <summary>Opened for reading: the run that holds the workspace now ("pid ..., started ..., command: ..."), or
    /// null when none does.</summary>
    public string? RunningRun { get; private init; }

    /// <summary>Opened for reading while <see cref="RunningRun"/> is going: what it has finished in the stage it runs.</summary>
    public IReadOnlyList<StageProgress> RunningProgress => RunningRun is null ? [] : OpenLockFile.Journaled;

    /// <summary>Why the remote cache was given up in this run (it was reported once as a warning), or null when it
    /// worked or there is none.</summary>
    public string? RemoteFailure => _remote?.Failure;

    /// <summary>Takes the workspace's run lock and loads the lock file, replaying what a killed run left in its journal.
    /// With a remote cache, the blobs the lock file names that the local store lacks (its manifests) are pulled.</summary>
    public static Pipeline Open(Workspace workspace, PipelineOptions? options = null)
    {
        options = Checked(options);
        var runLock = WorkspaceLock.Acquire(workspace.RunLockPath, workspace.Root);
        try
        {
            // Safe under the run lock: whatever is staged belongs to a run that is gone.
            if (Directory.Exists(workspace.StagingDirectory))
            {
                Directory.Delete(workspace.StagingDirectory, recursive: true);
            }

            // Probed here, between the folders that outputs move between, so that a link type the file system cannot
            // make stops the run once with its reason instead of failing every item.
            var linkType = FileLinks.Choose(options.CacheType, workspace.StagingDirectory, workspace.StoreDirectory);
            var store = new ContentStore(workspace.StoreDirectory, linkType);
            var lockFile = LockFile.Open(workspace.LockFilePath, workspace.JournalPath, store, options.Observer is { } observer ? observer.Warning : null);
            var pipeline = new Pipeline(workspace, options, runLock, store, lockFile, FileHashCache.Load(workspace.HashCachePath), linkType);
            // Open is synchronous for its many callers, and a console host has no synchronization context to block; the
            // manifests are small, and each request has the remote's own timeout.
            pipeline._remote?.PullMissingAsync("remote cache", lockFile.Manifests, CancellationToken.None).GetAwaiter().GetResult();
            return pipeline;
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The workspace as it is, for status only: takes no run lock and writes nothing (the journal is replayed in
    /// memory), so it works on a read-only workspace and beside a running run, whose progress it reports.
    /// </summary>
    public static Pipeline OpenForReading(Workspace workspace, PipelineOptions? options = null)
    {
        options = Checked(options);
        var running = WorkspaceLock.FindHolder(workspace.RunLockPath);
        var store = new ContentStore(workspace.StoreDirectory);
        var lockFile = LockFile.OpenForReading(workspace.LockFilePath, workspace.JournalPath, store, options.Observer is { } observer ? observer.Warning : null);
        return new Pipeline(workspace, options, runLock: null, store, lockFile, FileHashCache.Load(workspace.HashCachePath)) { RunningRun = running };
    }

    /// <summary>
    /// For <see cref="RunShardAsync"/> in a cluster's array task: takes no run lock (the login node holds it) and reads
    /// neither the lock file nor the hash cache, which the login node has judged its items by; keeps outputs as a run
    /// would (<see cref="PipelineOptions.CacheType"/>). Only <see cref="RunShardAsync"/> works on it.
    /// </summary>
    public static Pipeline OpenForShard(Workspace workspace, PipelineOptions? options = null)
    {
        options = Checked(options);
        var linkType = FileLinks.Choose(options.CacheType, workspace.StagingDirectory, workspace.StoreDirectory);
        return new Pipeline(workspace, options, runLock: null, new ContentStore(workspace.StoreDirectory, linkType), lockFile: null, FileHashCache.InMemory(), linkType);
    }

    private static PipelineOptions Checked(PipelineOptions? options)
    {
        options ??= new PipelineOptions();
        return options.Jobs >= 1 ? options : throw new ArgumentOutOfRangeException(nameof(options), options.Jobs, "Jobs must be at least 1.");
    }

    public async Task<StageReport> RunAsync(StageDefinition stage, CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        // While stages change nothing, what one checked the next one trusts: a no-op run stat's each file once. Only in
        // this pipeline (one run, one process): an edit made while it runs is seen by the next run (FileHashCache.TrustChecks).
        _hashes.TrustChecks();
        StageReport report;
        try
        {
            var plan = await StagePlan.ListAsync(stage, Workspace, cancellationToken);
            report = await _runner.RunAsync(plan, StageRecords.For(plan, OpenLockFile), cancellationToken);
        }
        catch
        {
            _hashes.ForgetChecks();
            throw;
        }

        if (!report.DidNothing)
        {
            _hashes.ForgetChecks();
        }

        await PushManifestsAsync(report, cancellationToken);
        return report;
    }

    /// <summary>With a remote cache that is pushed to: the lock's manifests, once a stage's items changed them.</summary>
    private async Task PushManifestsAsync(StageReport report, CancellationToken cancellationToken)
    {
        if (_remote is { Pushes: true } && report.Ran + report.Failed > 0)
        {
            _remote.EnqueuePush(report.Stage, OpenLockFile.Manifests, cancellationToken);
            await _remote.CompletePushesAsync();
        }
    }

    /// <summary>
    /// A checkout from the caches: brings the stage's outputs to what its inputs and parameters make by restoring only,
    /// from the local cache or the remote one; an item computed nowhere stays as it is. Runs no stage code.
    /// </summary>
    public async Task<StageReport> PullAsync(StageDefinition stage, CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        _hashes.ForgetChecks();
        var plan = await StagePlan.ListAsync(stage, Workspace, cancellationToken);
        return await _runner.RunAsync(plan, StageRecords.For(plan, OpenLockFile), cancellationToken, restoreOnly: true);
    }

    /// <summary>
    /// Pushes what the lock file records for these stages to the remote cache: each succeeded result's blobs, then its
    /// run cache record, and the lock's manifests; what the remote has already is not sent again. Returns the results
    /// pushed (a result whose blobs are no longer in the local store is left out, never pushed without them).
    /// </summary>
    public async Task<int> PushAsync(IEnumerable<StageDefinition> stages, CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        if (_options.Remote is not { } remote)
        {
            throw new InvalidOperationException("No remote cache is set.");
        }

        using var sync = new RemoteCacheSync(remote, _store, push: true, _options.RemoteTransfers, _options.Observer);
        var results = 0;
        foreach (var stage in stages)
        {
            StagePlan plan;
            try
            {
                plan = await StagePlan.ListAsync(stage, Workspace, cancellationToken);
            }
            catch (StageFailedException)
            {
                // It cannot list its items: what it reads was never made here, so neither was anything of its own.
                continue;
            }

            var records = StageRecords.For(plan, OpenLockFile);
            foreach (var item in plan.Items)
            {
                if (records.Recorded(item) is { Failure: null } record && ContentHash.TryParse(record.Fingerprint, out var fingerprint)
                    && record.Outputs.Values.All(h => ContentHash.TryParse(h, out var hash) && _store.Contains(hash)))
                {
                    sync.EnqueuePush(stage.Name, fingerprint, record.Outputs, cancellationToken);
                    results++;
                }
            }
        }

        sync.EnqueuePush("Push", OpenLockFile.Manifests, cancellationToken);
        await sync.CompletePushesAsync();
        return sync.Failure is { } failure ? throw new RemoteCacheException(failure, transient: false) : results;
    }

    /// <summary>The lock file; a shard's pipeline (<see cref="OpenForShard"/>) has none.</summary>
    private LockFile OpenLockFile => _lockFile ?? throw new InvalidOperationException("A shard's pipeline reads no lock file: it only runs the items it is given (RunShardAsync).");

    private void RefuseWhenReadOnly()
    {
        if (_runLock is null)
        {
            throw new InvalidOperationException("This pipeline was opened for reading; Pipeline.Open takes the run lock a run needs.");
        }
    }

    /// <summary>
    /// The run holding the lock hands a stage's stale items to shards run elsewhere (a cluster's array tasks, each
    /// through <see cref="RunShardAsync"/>; a unit stage is one shard of its one item): it decides what is stale exactly
    /// as <see cref="RunAsync"/> does, then commits the shards' finished items as their journals grow, and ends the stage.
    /// </summary>
    public async Task<ShardedStageRun> StartShardedAsync(StageDefinition stage, CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        // Shards publish elsewhere, out of this process's sight: nothing checked before them is trusted after.
        _hashes.ForgetChecks();
        var plan = await StagePlan.ListAsync(stage, Workspace, cancellationToken);
        var records = StageRecords.For(plan, OpenLockFile);
        var verdicts = await _staleness.JudgeAsync(plan, records, cancellationToken);
        return new ShardedStageRun(plan, records, verdicts, _options.IsForced(plan.Name), _options.Observer);
    }

    /// <summary>
    /// Runs one shard of a stage that a run holding the lock started with <see cref="StartShardedAsync"/>: exactly
    /// the items given (from its <see cref="ShardedStageRun.ToDo"/>; the stage is not listed again), through the same
    /// path as a local run (staging, the store, the run cache), each recorded in <paramref name="journal"/> the moment
    /// it finishes. Takes no run lock and writes no lock file, so many shards run at once beside the run that holds it;
    /// open the pipeline with <see cref="OpenForShard"/>. A unit stage's shard fails as the stage does (it throws).
    /// </summary>
    public async Task<StageReport> RunShardAsync(StageDefinition stage, IReadOnlyList<StageItem> items, ShardJournal journal, CancellationToken cancellationToken)
    {
        var plan = StagePlan.ForShard(stage, items);
        var report = await _runner.RunAsync(plan, StageRecords.ForShard(plan, journal), cancellationToken);
        if (_remote is { Pushes: true })
        {
            // Before the task's process ends: its items' pushes run in the background.
            await _remote.CompletePushesAsync();
        }

        return report;
    }

    /// <summary>Ends a stage started with <see cref="StartShardedAsync"/> as <see cref="RunAsync"/> ends one: its record
    /// written (<see cref="ShardedStageRun.Finish"/>) and, with a remote cache that is pushed to, its manifest pushed.</summary>
    public async Task<StageReport> FinishShardedAsync(ShardedStageRun run, CancellationToken cancellationToken)
    {
        var report = run.Finish();
        await PushManifestsAsync(report, cancellationToken);
        return report;
    }

    public async Task<StageStatus> GetStatusAsync(StageDefinition stage, CancellationToken cancellationToken)
    {
        _hashes.ForgetChecks();
        StagePlan plan;
        try
        {
            plan = await StagePlan.ListAsync(stage, Workspace, cancellationToken);
        }
        catch (StageFailedException e)
        {
            return new StageStatus(stage.Name, StageState.Waiting, [e.Message]);
        }

        var records = StageRecords.For(plan, OpenLockFile);
        return StatusReporting.Describe(plan, records, await _staleness.JudgeAsync(plan, records, cancellationToken));
    }

    /// <summary>The manifests the lock file names: what the store must hold for every item's record to be read.</summary>
    public IReadOnlyList<ContentHash> Manifests => OpenLockFile.Manifests;

    /// <summary>The items of a per-item stage whose last run succeeded, with their outputs, in key order.</summary>
    public IReadOnlyList<KeyValuePair<string, ItemRecord>> SucceededItems(string stage) => ItemsWhere(stage, failed: false);

    /// <summary>The items of a per-item stage whose last run failed, with their reasons, in key order.</summary>
    public IReadOnlyList<KeyValuePair<string, ItemRecord>> FailedItems(string stage) => ItemsWhere(stage, failed: true);

    private List<KeyValuePair<string, ItemRecord>> ItemsWhere(string stage, bool failed) =>
        OpenLockFile.Items(stage)?.Where(i => (i.Value.Failure is not null) == failed).OrderBy(i => i.Key, StringComparer.Ordinal).ToList() ?? [];

    public void Dispose()
    {
        _remote?.Dispose();
        if (_runLock is null)
        {
            _lockFile?.Dispose();
            return;
        }

        try
        {
            OpenLockFile.Flush();
            _hashes.Save();
        }
        finally
        {
            OpenLockFile.Dispose();
            _runLock.Dispose();
        }
    }
}
