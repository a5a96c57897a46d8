using System.Diagnostics;
using Sonique.Engine.Hashing;

namespace Sonique.Engine;

/// <summary>
/// Runs stages incrementally in one workspace: decides what is stale and why, restores what was computed
/// before, runs the rest (items in parallel), and records every result durably. One open pipeline holds
/// the workspace's run lock until it is disposed; one opened for reading (<see cref="OpenForReading"/>) holds nothing.
/// </summary>
public sealed class Pipeline : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>();
    private readonly WorkspaceLock? _runLock;
    private readonly LockFile _lock;
    private readonly FileHashCache _hashes;
    private readonly ContentStore _store;
    private readonly RunCache _runs;
    private readonly PipelineOptions _options;
    private readonly IPipelineObserver? _observer;

    private Pipeline(Workspace workspace, PipelineOptions options, WorkspaceLock? runLock, LockFile lockFile, FileHashCache hashes)
    {
        Workspace = workspace;
        _options = options;
        _observer = options.Observer;
        _runLock = runLock;
        _lock = lockFile;
        _hashes = hashes;
        _store = new ContentStore(workspace.StoreDirectory);
        _runs = new RunCache(workspace.RunCacheDirectory);
    }

    public Workspace Workspace { get; }

    /// <summary>Files read for hashing in this run (not answered from the hash cache).</summary>
    public long FilesHashed => _hashes.FilesHashed;

    /// <summary>Opened for reading: the run that holds the workspace now ("pid ..., started ..., command: ..."), or
    /// null when none does.</summary>
    public string? RunningRun { get; private init; }

    /// <summary>Opened for reading while <see cref="RunningRun"/> is going: what it has finished in the stage it runs.</summary>
    public IReadOnlyList<StageProgress> RunningProgress => RunningRun is null ? [] : _lock.Journaled;

    /// <summary>Takes the workspace's run lock and loads the lock file, replaying what a killed run left in its journal.</summary>
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

            var lockFile = LockFile.Open(workspace.LockFilePath, workspace.JournalPath);
            return new Pipeline(workspace, options, runLock, lockFile, FileHashCache.Load(workspace.HashCachePath));
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
        var lockFile = LockFile.OpenForReading(workspace.LockFilePath, workspace.JournalPath);
        return new Pipeline(workspace, options, runLock: null, lockFile, FileHashCache.Load(workspace.HashCachePath)) { RunningRun = running };
    }

    private static PipelineOptions Checked(PipelineOptions? options)
    {
        options ??= new PipelineOptions();
        return options.Jobs >= 1 ? options : throw new ArgumentOutOfRangeException(nameof(options), options.Jobs, "Jobs must be at least 1.");
    }

    public Task<StageReport> RunAsync(StageDefinition stage, CancellationToken cancellationToken)
    {
        if (_runLock is null)
        {
            throw new InvalidOperationException("This pipeline was opened for reading; Pipeline.Open takes the run lock a run needs.");
        }

        return stage switch
        {
            UnitStage unit => RunUnitAsync(unit, cancellationToken),
            ItemStage items => RunItemsAsync(items, cancellationToken),
            _ => throw new ArgumentException($"Unknown kind of stage: {stage.GetType().Name}", nameof(stage)),
        };
    }

    public Task<StageStatus> GetStatusAsync(StageDefinition stage, CancellationToken cancellationToken) => stage switch
    {
        UnitStage unit => UnitStatusAsync(unit, cancellationToken),
        ItemStage items => ItemStatusAsync(items, cancellationToken),
        _ => throw new ArgumentException($"Unknown kind of stage: {stage.GetType().Name}", nameof(stage)),
    };

    /// <summary>The items of a per-item stage whose last run succeeded, with their outputs.</summary>
    public IReadOnlyList<KeyValuePair<string, ItemRecord>> SucceededItems(string stage) =>
        _lock.Stage(stage)?.Items?.Where(i => i.Value.Failure is null).ToList() ?? [];

    /// <summary>The items of a per-item stage whose last run failed, with their reasons.</summary>
    public IReadOnlyList<KeyValuePair<string, ItemRecord>> FailedItems(string stage) =>
        _lock.Stage(stage)?.Items?.Where(i => i.Value.Failure is not null).ToList() ?? [];

    public void Dispose()
    {
        if (_runLock is null)
        {
            _lock.Dispose();
            return;
        }

        try
        {
            _lock.Flush();
            _hashes.Save();
        }
        finally
        {
            _lock.Dispose();
            _runLock.Dispose();
        }
    }

    // ---- per-item stages -------------------------------------------------------------------------

    private async Task<StageReport> RunItemsAsync(ItemStage stage, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var items = await ListItemsAsync(stage, cancellationToken);
        var verdicts = await EvaluateItemsAsync(stage, items, cancellationToken);
        var force = _options.IsForced(stage.Name);
        var work = verdicts.Where(v => force || v.Kind == VerdictKind.Stale).ToList();

        _observer?.StageStarting(stage.Name, items.Count, work.Count);
        int ran = 0, restored = 0, failed = 0;
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Jobs, CancellationToken = cancellationToken },
            async (verdict, token) =>
            {
                var (outcome, detail) = await ExecuteItemAsync(stage, verdict, allowRestore: !force, token);
                switch (outcome)
                {
                    case ItemOutcome.Ran: Interlocked.Increment(ref ran); break;
                    case ItemOutcome.Restored: Interlocked.Increment(ref restored); break;
                    default: Interlocked.Increment(ref failed); break;
                }

                _observer?.ItemFinished(stage.Name, verdict.Item.Key, outcome, detail);
            });

        _lock.CommitStage(
            stage.Name,
            new StageRecord { Version = stage.Version, Parameters = Sorted(stage.Parameters) },
            items.Select(i => i.Key).ToHashSet(StringComparer.Ordinal));

        var report = new StageReport(
            stage.Name,
            items.Count,
            Fresh: force ? 0 : verdicts.Count(v => v.Kind == VerdictKind.Fresh),
            ran,
            restored,
            failed,
            KnownFailures: force ? 0 : verdicts.Count(v => v.Kind == VerdictKind.KnownFailure),
            clock.Elapsed);
        _observer?.StageFinished(report);
        return report;
    }

    private async Task<StageStatus> ItemStatusAsync(ItemStage stage, CancellationToken cancellationToken)
    {
        IReadOnlyList<StageItem> items;
        try
        {
            items = await ListItemsAsync(stage, cancellationToken);
        }
        catch (StageFailedException e)
        {
            return new StageStatus(stage.Name, StageState.Waiting, [e.Message]);
        }

        var verdicts = await EvaluateItemsAsync(stage, items, cancellationToken);
        var stale = verdicts.Where(v => v.Kind == VerdictKind.Stale).ToList();
        var failed = verdicts.Where(v => v.Kind == VerdictKind.KnownFailure).ToList();
        var neverRun = _lock.Stage(stage.Name)?.Items is null;
        var state = neverRun ? StageState.NeverRun : stale.Count > 0 ? StageState.Stale : StageState.Fresh;
        var reasons = new List<string>();
        if (stale.Count > 0)
        {
            reasons.Add($"{stale.Count} of {items.Count} items stale");
        }

        if (failed.Count > 0)
        {
            reasons.Add($"{failed.Count} items failed and will not be retried until their inputs change");
        }

        return new StageStatus(stage.Name, state, reasons)
        {
            Items = items.Count,
            StaleItems = stale.Count,
            FailedItems = failed.Count,
            FirstStale = stale.Take(5).Select(v => new ItemStatus(v.Item.Key, v.Reasons)).ToList(),
            FirstFailed = failed.Take(5).Select(v => new ItemStatus(v.Item.Key, v.Reasons)).ToList(),
        };
    }

    private static async Task<IReadOnlyList<StageItem>> ListItemsAsync(ItemStage stage, CancellationToken cancellationToken)
    {
        IReadOnlyList<StageItem> items;
        try
        {
            items = await stage.Items(cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new StageFailedException(stage.Name, $"cannot list its items: {e.Message}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (string.IsNullOrWhiteSpace(item.Key) || !seen.Add(item.Key))
            {
                throw new StageFailedException(stage.Name, $"item key '{item.Key}' is empty or not unique");
            }
        }

        return items;
    }

    private async Task<IReadOnlyList<ItemVerdict>> EvaluateItemsAsync(ItemStage stage, IReadOnlyList<StageItem> items, CancellationToken cancellationToken)
    {
        var digest = Fingerprint.ParametersDigest(stage.Parameters);
        var stageRecord = _lock.Stage(stage.Name);
        var verdicts = new ItemVerdict[items.Count];
        await Task.Run(
            () => Parallel.For(
                0,
                items.Count,
                new ParallelOptions { MaxDegreeOfParallelism = _options.Jobs, CancellationToken = cancellationToken },
                i => verdicts[i] = EvaluateItem(stage, digest, stageRecord, items[i], cancellationToken)),
            cancellationToken);
        return verdicts;
    }

    private ItemVerdict EvaluateItem(ItemStage stage, string digest, StageRecord? stageRecord, StageItem item, CancellationToken cancellationToken)
    {
        var inputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string? missing = null;
        foreach (var input in item.Inputs)
        {
            var hash = _hashes.TryHash(Workspace.Resolve(input), cancellationToken);
            if (hash is null)
            {
                missing ??= input;
            }
            else
            {
                inputs[input] = hash.Value.ToString();
            }
        }

        var values = Sorted(item.Values);
        var fingerprint = Fingerprint.Of(stage, digest, item.Key, values.Concat(OutputParts(item.Outputs)), inputs);
        var record = stageRecord?.Items?.GetValueOrDefault(item.Key);
        var reasons = new List<string>();
        var kind = VerdictKind.Stale;
        if (missing is not null)
        {
            reasons.Add($"input '{missing}' is missing");
        }
        else if (record is null)
        {
            reasons.Add("never run");
        }
        else if (record.Fingerprint != fingerprint.ToString())
        {
            reasons.AddRange(DescribeChange(stage, stageRecord!, record.Values, values, record.Inputs, inputs));
        }
        else if (record.Failure is not null)
        {
            if (record.Permanent)
            {
                kind = VerdictKind.KnownFailure;
                reasons.Add(record.Failure);
            }
            else
            {
                reasons.Add($"failed last time, will retry: {record.Failure}");
            }
        }
        else
        {
            reasons.AddRange(DescribeOutputs(record.Outputs, item.Outputs, cancellationToken));
        }

        if (reasons.Count == 0)
        {
            kind = VerdictKind.Fresh;
        }

        return new ItemVerdict(item, fingerprint, inputs, values, missing, kind, reasons);
    }

    private async Task<(ItemOutcome Outcome, string? Detail)> ExecuteItemAsync(ItemStage stage, ItemVerdict verdict, bool allowRestore, CancellationToken cancellationToken)
    {
        var item = verdict.Item;
        var record = new ItemRecord
        {
            Fingerprint = verdict.Fingerprint.ToString(),
            Values = verdict.Values.Count > 0 ? verdict.Values : null,
            Inputs = verdict.Inputs,
        };

        if (verdict.MissingInput is not null)
        {
            return Fail(stage, item.Key, record, $"input '{verdict.MissingInput}' is missing", permanent: false);
        }

        if (allowRestore && await TryRestoreAsync(stage.Name, verdict.Fingerprint, item.Outputs, cancellationToken) is { } restored)
        {
            record.Outputs = restored;
            _lock.CommitItem(stage.Name, item.Key, record);
            return (ItemOutcome.Restored, null);
        }

        var staging = NewStagingDirectory();
        try
        {
            var staged = StagePaths(staging, item.Outputs);
            var run = new ItemRun(item, item.Inputs.Select(Workspace.Resolve).ToList(), staged);
            await stage.Run(run, cancellationToken);
            // Finished work is kept even when a stop was asked for meanwhile: publishing is short, and redoing the item is not.
            record.Outputs = await PublishAsync(item.Outputs, staged, staging, CancellationToken.None);
            _runs.Put(verdict.Fingerprint, record.Outputs);
            _lock.CommitItem(stage.Name, item.Key, record);
            return (ItemOutcome.Ran, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (StageFailedException)
        {
            // The item's run says the whole stage cannot work (a backend that cannot load): it fails once, here,
            // instead of every item failing with the same reason.
            throw;
        }
        catch (Exception e)
        {
            var reason = e is ItemFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            return Fail(stage, item.Key, record, reason, permanent: e is ItemFailedException { Permanent: true });
        }
        finally
        {
            TryDeleteDirectory(staging);
        }
    }

    private (ItemOutcome, string?) Fail(ItemStage stage, string key, ItemRecord record, string reason, bool permanent)
    {
        record.Failure = reason;
        record.Permanent = permanent;
        record.Outputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        _lock.CommitItem(stage.Name, key, record);
        return (ItemOutcome.Failed, reason);
    }

    // ---- unit stages -----------------------------------------------------------------------------

    private async Task<StageReport> RunUnitAsync(UnitStage stage, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var verdict = await EvaluateUnitAsync(stage, cancellationToken);
        var force = _options.IsForced(stage.Name);
        if (verdict.Kind == VerdictKind.Fresh && !force)
        {
            return Finish(new StageReport(stage.Name, 1, 1, 0, 0, 0, 0, clock.Elapsed));
        }

        _observer?.StageStarting(stage.Name, 1, 1);
        var record = new StageRecord
        {
            Version = stage.Version,
            Parameters = Sorted(stage.Parameters),
            Fingerprint = verdict.Fingerprint.ToString(),
            Inputs = verdict.Inputs,
        };

        if (!force && await TryRestoreAsync(stage.Name, verdict.Fingerprint, stage.Outputs, cancellationToken) is { } restored)
        {
            record.Outputs = restored;
            _lock.CommitStage(stage.Name, record);
            _observer?.ItemFinished(stage.Name, stage.Name, ItemOutcome.Restored, null);
            return Finish(new StageReport(stage.Name, 1, 0, 0, 1, 0, 0, clock.Elapsed));
        }

        var staging = NewStagingDirectory();
        try
        {
            var staged = StagePaths(staging, stage.Outputs);
            var inputFiles = verdict.Inputs.Keys.Select(Workspace.Resolve).ToList();
            await stage.Run(new UnitRun(inputFiles, staged), cancellationToken);
            record.Outputs = await PublishAsync(stage.Outputs, staged, staging, CancellationToken.None);
            _runs.Put(verdict.Fingerprint, record.Outputs);
            _lock.CommitStage(stage.Name, record);
        }
        catch (ItemFailedException e)
        {
            throw new StageFailedException(stage.Name, e.Message);
        }
        finally
        {
            TryDeleteDirectory(staging);
        }

        _observer?.ItemFinished(stage.Name, stage.Name, ItemOutcome.Ran, null);
        return Finish(new StageReport(stage.Name, 1, 0, 1, 0, 0, 0, clock.Elapsed));
    }

    private StageReport Finish(StageReport report)
    {
        _observer?.StageFinished(report);
        return report;
    }

    private async Task<StageStatus> UnitStatusAsync(UnitStage stage, CancellationToken cancellationToken)
    {
        UnitVerdict verdict;
        try
        {
            verdict = await EvaluateUnitAsync(stage, cancellationToken);
        }
        catch (StageFailedException e)
        {
            return new StageStatus(stage.Name, StageState.Waiting, [e.Message]);
        }

        var state = verdict.Kind == VerdictKind.Fresh ? StageState.Fresh
            : _lock.Stage(stage.Name)?.Fingerprint is null ? StageState.NeverRun
            : StageState.Stale;
        return new StageStatus(stage.Name, state, verdict.Reasons) { Items = 1, StaleItems = state == StageState.Fresh ? 0 : 1 };
    }

    private async Task<UnitVerdict> EvaluateUnitAsync(UnitStage stage, CancellationToken cancellationToken)
    {
        List<string> files;
        try
        {
            files = stage.Inputs.SelectMany(spec => PathSpec.Expand(Workspace, spec)).Distinct(StringComparer.Ordinal).ToList();
        }
        catch (FileNotFoundException e)
        {
            throw new StageFailedException(stage.Name, e.Message);
        }

        var hashes = new string?[files.Count];
        await Task.Run(
            () => Parallel.For(
                0,
                files.Count,
                new ParallelOptions { MaxDegreeOfParallelism = _options.Jobs, CancellationToken = cancellationToken },
                i => hashes[i] = _hashes.TryHash(Workspace.Resolve(files[i]), cancellationToken)?.ToString()),
            cancellationToken);

        var inputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            inputs[files[i]] = hashes[i] ?? throw new StageFailedException(stage.Name, $"input '{files[i]}' disappeared while it was read");
        }

        var fingerprint = Fingerprint.Of(stage, Fingerprint.ParametersDigest(stage.Parameters), null, OutputParts(stage.Outputs), inputs);
        var record = _lock.Stage(stage.Name);
        var reasons = new List<string>();
        if (record?.Fingerprint is null)
        {
            reasons.Add("never run");
        }
        else if (record.Fingerprint != fingerprint.ToString())
        {
            reasons.AddRange(DescribeChange(stage, record, null, NoValues, record.Inputs, inputs));
        }
        else
        {
            reasons.AddRange(DescribeOutputs(record.Outputs ?? [], stage.Outputs, cancellationToken));
        }

        return new UnitVerdict(fingerprint, inputs, reasons.Count == 0 ? VerdictKind.Fresh : VerdictKind.Stale, reasons);
    }

    // ---- shared: reasons, outputs, restore -------------------------------------------------------

    private static List<string> DescribeChange(
        StageDefinition stage,
        StageRecord stageRecord,
        IReadOnlyDictionary<string, string>? oldValues,
        IReadOnlyDictionary<string, string> newValues,
        IReadOnlyDictionary<string, string>? oldInputs,
        IReadOnlyDictionary<string, string> newInputs)
    {
        var reasons = new List<string>();
        if (stageRecord.Version != stage.Version)
        {
            reasons.Add($"implementation version {stageRecord.Version} -> {stage.Version}");
        }

        reasons.AddRange(Compare(stageRecord.Parameters, stage.Parameters, (k, o, n) => $"parameter {k}: {o ?? "(unset)"} -> {n ?? "(unset)"}"));
        reasons.AddRange(Compare(oldValues ?? NoValues, newValues, (k, _, _) => $"value {k} changed"));
        reasons.AddRange(Compare(oldInputs ?? NoValues, newInputs, (k, o, n) =>
            o is null ? $"input '{k}' added" : n is null ? $"input '{k}' removed" : $"input '{k}' changed"));
        if (reasons.Count == 0)
        {
            reasons.Add("declared outputs changed");
        }

        return reasons;
    }

    private static IEnumerable<string> Compare(
        IReadOnlyDictionary<string, string> before,
        IReadOnlyDictionary<string, string> after,
        Func<string, string?, string?, string> describe)
    {
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var old = before.GetValueOrDefault(key);
            var now = after.GetValueOrDefault(key);
            if (old != now)
            {
                yield return describe(key, old, now);
            }
        }
    }

    /// <summary>Whether the outputs on disk are the ones recorded: missing, modified and stray files are reasons.</summary>
    private List<string> DescribeOutputs(SortedDictionary<string, string> recorded, IReadOnlyList<string> declared, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        foreach (var (path, hash) in recorded)
        {
            var current = _hashes.TryHash(Workspace.Resolve(path), cancellationToken);
            if (current is null)
            {
                reasons.Add($"output '{path}' is missing");
            }
            else if (current.Value.ToString() != hash)
            {
                reasons.Add($"output '{path}' was modified");
            }
        }

        foreach (var spec in declared)
        {
            if (PathSpec.IsFolder(spec))
            {
                foreach (var file in PathSpec.FilesUnder(Workspace.Resolve(spec.TrimEnd('/'))).Select(Workspace.Relative))
                {
                    if (!recorded.ContainsKey(file))
                    {
                        reasons.Add($"output '{file}' was not written by the stage");
                    }
                }
            }
            else if (!recorded.ContainsKey(spec))
            {
                reasons.Add($"output '{spec}' is not recorded");
            }
        }

        return reasons;
    }

    /// <summary>Puts back the outputs a fingerprint produced before, from the store. Null when they cannot all
    /// be restored (never computed, a blob missing, or a blob corrupt: that blob is removed and the work redone).</summary>
    private async Task<SortedDictionary<string, string>?> TryRestoreAsync(string stage, ContentHash fingerprint, IReadOnlyList<string> declared, CancellationToken cancellationToken)
    {
        if (_runs.TryGet(fingerprint) is not { } recorded || !Covers(declared, recorded))
        {
            return null;
        }

        var staging = NewStagingDirectory();
        try
        {
            var moves = new List<(string Staged, string Final, ContentHash Hash)>();
            foreach (var (path, text) in recorded)
            {
                var final = Workspace.Resolve(path);
                var hash = ContentHash.Parse(text);
                if (_hashes.TryHash(final, cancellationToken) == hash)
                {
                    continue;
                }

                var staged = Path.Combine(staging, moves.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                switch (await _store.TryRestoreAsync(hash, staged, cancellationToken))
                {
                    case RestoreResult.Missing:
                        return null;
                    case RestoreResult.Corrupt:
                        _observer?.Warning(stage, $"the stored copy of '{path}' ({hash}) was corrupt; it was removed and the work is redone");
                        return null;
                }

                moves.Add((staged, final, hash));
            }

            foreach (var spec in declared.Where(PathSpec.IsFolder))
            {
                foreach (var stray in PathSpec.FilesUnder(Workspace.Resolve(spec.TrimEnd('/'))).Where(f => !recorded.ContainsKey(Workspace.Relative(f))).ToList())
                {
                    File.Delete(stray);
                }
            }

            foreach (var (staged, final, hash) in moves)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(final)!);
                File.Move(staged, final, overwrite: true);
                _hashes.Remember(final, hash);
            }

            return new SortedDictionary<string, string>(recorded.ToDictionary(), StringComparer.Ordinal);
        }
        finally
        {
            TryDeleteDirectory(staging);
        }
    }

    private static bool Covers(IReadOnlyList<string> declared, SortedDictionary<string, string> recorded)
    {
        var files = declared.Where(d => !PathSpec.IsFolder(d)).ToList();
        var folders = declared.Where(PathSpec.IsFolder).ToList();
        return files.All(recorded.ContainsKey)
            && recorded.Keys.All(k => files.Contains(k) || folders.Any(f => k.StartsWith(f, StringComparison.Ordinal)));
    }

    /// <summary>Hashes and stores every staged output, then moves them all into the workspace. Nothing reaches
    /// the workspace unless every output was written, so a failed item never leaves a half-made result.</summary>
    private async Task<SortedDictionary<string, string>> PublishAsync(IReadOnlyList<string> declared, List<string> staged, string staging, CancellationToken cancellationToken)
    {
        var outputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < declared.Count; i++)
        {
            var files = PathSpec.IsFolder(declared[i])
                ? Directory.Exists(staged[i])
                    ? PathSpec.FilesUnder(staged[i]).Select(f => (Staged: f, Path: declared[i] + Path.GetRelativePath(staged[i], f).Replace(Path.DirectorySeparatorChar, '/'))).ToList()
                    : throw new ItemFailedException($"did not write its output folder '{declared[i]}'", permanent: false)
                : File.Exists(staged[i])
                    ? [(Staged: staged[i], Path: declared[i])]
                    : throw new ItemFailedException($"did not write its output '{declared[i]}'", permanent: false);
            foreach (var (file, path) in files)
            {
                outputs[path] = (await _store.AddAsync(file, cancellationToken)).ToString();
            }
        }

        for (var i = 0; i < declared.Count; i++)
        {
            var final = Workspace.Resolve(declared[i].TrimEnd('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (PathSpec.IsFolder(declared[i]))
            {
                if (Directory.Exists(final))
                {
                    Directory.Move(final, Path.Combine(staging, $"replaced-{i}"));
                }

                Directory.Move(staged[i], final);
            }
            else
            {
                File.Move(staged[i], final, overwrite: true);
            }
        }

        foreach (var (path, hash) in outputs)
        {
            _hashes.Remember(Workspace.Resolve(path), ContentHash.Parse(hash));
        }

        return outputs;
    }

    private List<string> StagePaths(string staging, IReadOnlyList<string> declared)
    {
        var paths = new List<string>(declared.Count);
        for (var i = 0; i < declared.Count; i++)
        {
            var final = Workspace.Resolve(declared[i].TrimEnd('/'));
            var slot = Path.Combine(staging, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(slot);
            // The staged name keeps the final file name, so tools that infer a format from the extension still work.
            var path = Path.Combine(slot, Path.GetFileName(final));
            if (PathSpec.IsFolder(declared[i]))
            {
                Directory.CreateDirectory(path);
            }

            paths.Add(path);
        }

        return paths;
    }

    private string NewStagingDirectory()
    {
        var path = Path.Combine(Workspace.StagingDirectory, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> OutputParts(IReadOnlyList<string> outputs) =>
        outputs.Select((o, i) => new KeyValuePair<string, string>($"->{i}", o));

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> values) =>
        new(values.ToDictionary(), StringComparer.Ordinal);

    private enum VerdictKind
    {
        Fresh,
        Stale,
        KnownFailure,
    }

    private sealed record ItemVerdict(
        StageItem Item,
        ContentHash Fingerprint,
        SortedDictionary<string, string> Inputs,
        SortedDictionary<string, string> Values,
        string? MissingInput,
        VerdictKind Kind,
        IReadOnlyList<string> Reasons);

    private sealed record UnitVerdict(ContentHash Fingerprint, SortedDictionary<string, string> Inputs, VerdictKind Kind, IReadOnlyList<string> Reasons);
}
