using System.Globalization;
using System.Text;
using Sonique.Engine;
using Sonique.Files;

namespace Sonique.Cluster;

/// <summary>
/// Runs a pipeline's stages on a Slurm cluster from a login node that holds the workspace's run lock. A per-item
/// stage's stale items (decided on the login node, exactly as a local run decides) become one job array, each task a
/// shard of items run through the engine's own path; the login node commits the tasks' journals as they grow and
/// resubmits the items of tasks that died. A unit stage runs as one job (an array of one task, its one item the
/// stage), or on the login node when <see cref="SlurmExecutorOptions.OnLoginNode"/> says so. Stages go one after
/// another: a stage's items are listed from what the stages before it wrote (Download's clips from Collect's catalog),
/// so they are not known until those have run.
/// </summary>
public sealed class SlurmExecutor
{
    /// <summary>Slurm's states of a task that has ended.</summary>
    private static readonly HashSet<string> Ended = new(StringComparer.Ordinal)
    {
        "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED",
    };

    private const int LogTailLines = 20;

    private readonly Workspace _workspace;
    private readonly SlurmExecutorOptions _options;

    public SlurmExecutor(Workspace workspace, SlurmExecutorOptions options)
    {
        _workspace = workspace;
        _options = options;
        RunId = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
    }

    /// <summary>This run's name: its folder under <c>cache/slurm/</c> holds its shards, journals, logs and job ids.</summary>
    public string RunId { get; }

    public string RunFolder => Path.Combine(SlurmFolder(_workspace), RunId);

    /// <summary>Every job this run submitted, one line each: stage, attempt, job id, tasks, log files, sbatch arguments.</summary>
    public string JobsRecordPath => Path.Combine(RunFolder, "jobs.tsv");

    public static string SlurmFolder(Workspace workspace) => Path.Combine(workspace.CacheDirectory, "slurm");

    /// <summary>The jobs login nodes have in the queue now, one line each: job id, the run that submitted it, its stage.
    /// Left behind by one that was killed, or by one that detached, they still write.</summary>
    public static string LiveJobsPath(Workspace workspace) => Path.Combine(SlurmFolder(workspace), "live-jobs");

    /// <summary>What <see cref="LiveJobsPath"/> records (a line of an older run holds the job id alone).</summary>
    public static async Task<IReadOnlyList<LiveJob>> RecordedLiveJobsAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        var path = LiveJobsPath(workspace);
        return File.Exists(path)
            ? [.. (await File.ReadAllLinesAsync(path, cancellationToken)).Where(l => l.Length > 0).Select(l => l.Split('\t')).Select(f => new LiveJob(f[0], f.ElementAtOrDefault(1) ?? "", f.ElementAtOrDefault(2) ?? ""))]
            : [];
    }

    /// <summary>For Status: each recorded job still in the queue, with its stage, state and reason. One squeue of this
    /// user's jobs, not of the recorded ids: Slurm refuses the whole list when one of them is long gone.</summary>
    public static async Task<IReadOnlyList<string>> DescribeLiveJobsAsync(Workspace workspace, SlurmClient client, CancellationToken cancellationToken)
    {
        var recorded = await RecordedLiveJobsAsync(workspace, cancellationToken);
        if (recorded.Count == 0)
        {
            return [];
        }

        var output = await client.RunAsync("squeue", ["-h", "-u", Environment.UserName, "-t", "all", "-o", "%F|%i|%T|%r"], cancellationToken);
        var lines = new List<string>();
        foreach (var fields in output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).Where(f => f.Length == 4))
        {
            if (recorded.FirstOrDefault(j => j.Job == fields[0]) is { } job && !Ended.Contains(fields[2]))
            {
                lines.Add($"job {fields[1]} ({job.Stage}, run {job.Run}): {fields[2]}{(fields[3] is "None" or "" ? "" : $" ({fields[3]})")}");
            }
        }

        return lines;
    }

    /// <summary>
    /// Refuses to start while jobs a previous login node submitted are still queued or running (it was killed, or
    /// its jobs outlived it): they write into the workspace and their items would run twice.
    /// </summary>
    public async Task RefuseWhileJobsAreLiveAsync(CancellationToken cancellationToken)
    {
        var path = LiveJobsPath(_workspace);
        if (!File.Exists(path))
        {
            return;
        }

        var live = new List<string>();
        foreach (var job in (await RecordedLiveJobsAsync(_workspace, cancellationToken)).Where(j => _options.OwnRun is null || j.Run != _options.OwnRun))
        {
            if (await IsQueuedAsync(job.Job, cancellationToken))
            {
                live.Add(job.Job);
            }
        }

        if (live.Count > 0)
        {
            throw new SlurmJobsLiveException(_workspace.Root, live);
        }

        if (_options.OwnRun is null)
        {
            AtomicFile.TryDelete(path);
        }
    }

    /// <summary>
    /// Submits a job that runs one whole stage (<paramref name="command"/>: the host for that stage, a login node of its
    /// own) after the job <paramref name="after"/> has succeeded (<c>--dependency=afterok</c>; should that one fail, this
    /// one is cancelled), so a detached login node queues the whole graph at once. Returns its id.
    /// </summary>
    public async Task<string> SubmitStageJobAsync(string stage, IReadOnlyList<string> command, SlurmResources resources, string? after, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(RunFolder);
        var script = Path.Combine(RunFolder, $"{stage}-stage.sh");
        await AtomicFile.WriteAllTextAsync(
            script,
            $"#!/bin/bash\n# Sonique: the stage {stage} as a whole, on the cluster, after the stages before it.\nexec {string.Join(' ', command.Select(Quote))}\n",
            cancellationToken);
        var log = Path.Combine(RunFolder, $"{stage}-stage-%j.log");
        List<string> arguments =
        [
            "--parsable",
            $"--job-name=sonique-{stage}",
            $"--output={log}",
            $"--chdir={_workspace.Root}",
            .. after is null ? Array.Empty<string>() : [$"--dependency=afterok:{after}", "--kill-on-invalid-dep=yes"],
            .. resources.SbatchArguments(),
            script,
        ];
        return await SubmitAndRecordAsync(stage, 0, 1, log, arguments, cancellationToken);
    }

    /// <summary>Brings one stage up to date on the cluster; cancelling cancels its jobs and keeps what they finished.</summary>
    public async Task<StageReport> RunStageAsync(Pipeline pipeline, StageDefinition stage, CancellationToken cancellationToken)
    {
        if (stage is UnitStage && _options.OnLoginNode(stage.Name))
        {
            return await pipeline.RunAsync(stage, cancellationToken);
        }

        var run = await pipeline.StartShardedAsync(stage, cancellationToken);
        var resources = _options.Resources(stage.Name);
        for (var attempt = 1; run.Unfinished.Count > 0; attempt++)
        {
            var folder = new ShardFolder(Path.Combine(RunFolder, string.Create(CultureInfo.InvariantCulture, $"{stage.Name}-{attempt}")));
            var unfinished = run.Unfinished;
            var perTask = Math.Max(Math.Max(1, resources.ItemsPerTask), (unfinished.Count + _options.MaxArrayTasks - 1) / _options.MaxArrayTasks);
            var tasks = folder.Write(unfinished, perTask);
            var job = await SubmitAsync(new ShardBatch(stage.Name, attempt, folder), tasks, resources, cancellationToken);
            var ends = await WaitAsync(run, job, folder, tasks, cancellationToken);
            if (run.Unfinished.Count == 0)
            {
                break;
            }

            var dead = ends.Where(e => e.Value.Code != 0).OrderBy(e => e.Key).Select(e => Describe(stage.Name, job, e.Key, e.Value)).ToList();
            if (attempt > _options.Retries)
            {
                throw new StageFailedException(
                    stage.Name,
                    string.Create(CultureInfo.InvariantCulture, $"{run.Unfinished.Count} item(s) unfinished after {attempt} job array(s); the last one's tasks that died:\n{string.Join("\n", dead)}"));
            }

            _options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{stage.Name}: job {job}: {dead.Count} task(s) died, {run.Unfinished.Count} item(s) unfinished, submitted again\n{string.Join("\n", dead)}"));
        }

        return await pipeline.FinishShardedAsync(run, cancellationToken);
    }

    private async Task<string> SubmitAsync(ShardBatch batch, int tasks, SlurmResources resources, CancellationToken cancellationToken)
    {
        await WriteScriptAsync(batch, cancellationToken);
        var log = Path.Combine(RunFolder, $"{batch.Stage}-%A_%a.log");
        var throttle = resources.Throttle > 0 ? string.Create(CultureInfo.InvariantCulture, $"%{resources.Throttle}") : "";
        List<string> arguments =
        [
            "--parsable",
            string.Create(CultureInfo.InvariantCulture, $"--array=0-{tasks - 1}{throttle}"),
            $"--job-name=sonique-{batch.Stage}",
            $"--output={log}",
            $"--chdir={_workspace.Root}",
            .. resources.SbatchArguments(),
            batch.Folder.ScriptPath,
        ];
        var job = await SubmitAndRecordAsync(batch.Stage, batch.Attempt, tasks, log, arguments, cancellationToken);
        _options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{batch.Stage}: job {job}, {tasks} array task(s), logs {log.Replace("%A", job, StringComparison.Ordinal)}"));
        return job;
    }

    /// <summary>sbatch, then the job in the live-jobs record and in this run's jobs.tsv.</summary>
    private async Task<string> SubmitAndRecordAsync(string stage, int attempt, int tasks, string log, List<string> arguments, CancellationToken cancellationToken)
    {
        var printed = await _options.Client.RunAsync("sbatch", arguments, cancellationToken);
        // --parsable prints "ID" or "ID;CLUSTER".
        var job = printed.Trim().Split(';')[0];
        await File.AppendAllTextAsync(LiveJobsPath(_workspace), $"{job}\t{RunId}\t{stage}\n", cancellationToken);
        await File.AppendAllTextAsync(
            JobsRecordPath,
            string.Create(CultureInfo.InvariantCulture, $"{stage}\t{attempt}\t{job}\t{tasks}\t{log}\t{string.Join(' ', arguments)}\n"),
            cancellationToken);
        return job;
    }

    /// <summary>The script every task of the batch runs: the shard, then its exit marker, written whole (rename), so
    /// the login node sees either no marker or the code.</summary>
    private async Task WriteScriptAsync(ShardBatch batch, CancellationToken cancellationToken)
    {
        var command = string.Join(' ', _options.TaskCommand(batch).Select(Quote));
        var marker = Quote(batch.Folder.Path) + "/$" + ShardFolder.TaskIndexVariable + ".exit";
        var script = new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append(CultureInfo.InvariantCulture, $"# Sonique: one shard of {batch.Stage} (attempt {batch.Attempt}); the task's index picks its items.\n")
            .Append(command).Append('\n')
            .Append("code=$?\n")
            .Append(CultureInfo.InvariantCulture, $"echo $code > {marker}.tmp && mv {marker}.tmp {marker}\n")
            .Append("exit $code\n")
            .ToString();
        Directory.CreateDirectory(RunFolder);
        await AtomicFile.WriteAllTextAsync(batch.Folder.ScriptPath, script, cancellationToken);
    }

    /// <summary>Folds the tasks' journals until every task has ended; returns how each ended. Cancelled, it cancels
    /// the job, folds what finished and rethrows.</summary>
    private async Task<Dictionary<int, TaskEnd>> WaitAsync(ShardedStageRun run, string job, ShardFolder folder, int tasks, CancellationToken cancellationToken)
    {
        var journals = Enumerable.Range(0, tasks).Select(i => new ShardJournalReader(folder.JournalPath(i))).ToList();
        var ends = new Dictionary<int, TaskEnd>();
        var interval = _options.PollInterval;
        var lastSummary = "";
        try
        {
            while (true)
            {
                var progressed = journals.Sum(run.Fold) > 0;
                // The queue first, then the markers: a task that ends in between is found by its marker.
                var states = await TaskStatesAsync(job, cancellationToken);
                for (var i = 0; i < tasks; i++)
                {
                    if (ends.ContainsKey(i))
                    {
                        continue;
                    }

                    (string State, string Reason)? state = states.TryGetValue(i, out var listed) ? listed : null;
                    if (folder.ExitCode(i) is { } code)
                    {
                        ends[i] = new TaskEnd(code == 0 ? "COMPLETED" : "FAILED", code);
                    }
                    else if (state is null || Ended.Contains(state.Value.State))
                    {
                        // Killed before it could leave its marker (time limit, memory, node, scancel), or gone from the queue.
                        ends[i] = new TaskEnd(state is null ? "GONE (no longer in squeue)" : $"{state.Value.State} ({state.Value.Reason})", -1);
                    }
                }

                var summary = Summary(run, tasks, states, ends);
                if (summary != lastSummary)
                {
                    _options.Log?.Invoke($"{run.Stage}: job {job}: {summary}");
                    lastSummary = summary;
                    progressed = true;
                }

                if (ends.Count == tasks)
                {
                    journals.ForEach(j => run.Fold(j));
                    await ForgetLiveJobAsync(job);
                    return ends;
                }

                interval = progressed ? _options.PollInterval : TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, _options.MaxPollInterval.Ticks));
                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelJobAsync(job);
            journals.ForEach(j => run.Fold(j));
            throw;
        }
    }

    private static string Summary(ShardedStageRun run, int tasks, Dictionary<int, (string State, string Reason)> states, Dictionary<int, TaskEnd> ends)
    {
        var pending = states.Count(s => !ends.ContainsKey(s.Key) && s.Value.State == "PENDING");
        var running = states.Count(s => !ends.ContainsKey(s.Key) && s.Value.State is "RUNNING" or "COMPLETING" or "CONFIGURING");
        var failed = ends.Count(e => e.Value.Code != 0);
        return string.Create(CultureInfo.InvariantCulture, $"{run.Finished}/{run.ToDo.Count} items; tasks: {pending} pending, {running} running, {ends.Count - failed} done, {failed} failed of {tasks}");
    }

    /// <summary>Whether any task of the job is pending, running or completing.</summary>
    private async Task<bool> IsQueuedAsync(string job, CancellationToken cancellationToken)
    {
        try
        {
            return (await _options.Client.RunAsync("squeue", ["-h", "-j", job, "-o", "%i"], cancellationToken)).Trim().Length > 0;
        }
        catch (SlurmException e) when (e.Message.Contains("Invalid job id", StringComparison.Ordinal))
        {
            return false;
        }
    }

    /// <summary>One squeue call for the whole array: each task's state and reason by index. A job Slurm no longer
    /// knows gives none.</summary>
    private async Task<Dictionary<int, (string State, string Reason)>> TaskStatesAsync(string job, CancellationToken cancellationToken)
    {
        string output;
        try
        {
            output = await _options.Client.RunAsync("squeue", ["-h", "-r", "-t", "all", "-j", job, "-o", "%i|%T|%r"], cancellationToken);
        }
        catch (SlurmException e) when (e.Message.Contains("Invalid job id", StringComparison.Ordinal))
        {
            return [];
        }

        var states = new Dictionary<int, (string, string)>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('|');
            var id = fields[0];
            var underscore = id.IndexOf('_', StringComparison.Ordinal);
            if (fields.Length == 3 && underscore > 0 && int.TryParse(id[(underscore + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                states[index] = (fields[1], fields[2]);
            }
        }

        return states;
    }

    /// <summary>Cancels the job and waits (bounded) until it has left the queue, so nothing of it still writes.</summary>
    private async Task CancelJobAsync(string job)
    {
        using var timeout = new CancellationTokenSource(_options.CancelTimeout);
        try
        {
            await _options.Client.RunAsync("scancel", [job], timeout.Token);
            while (await IsQueuedAsync(job, timeout.Token))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token);
            }

            await ForgetLiveJobAsync(job);
            _options.Log?.Invoke($"job {job} cancelled");
        }
        catch (Exception e) when (e is SlurmException or OperationCanceledException)
        {
            // Left in live-jobs: the next run refuses until it is gone.
            _options.Log?.Invoke($"job {job} may still be in the queue ({e.Message}); the next run waits for it to end");
        }
    }

    private async Task ForgetLiveJobAsync(string job)
    {
        var path = LiveJobsPath(_workspace);
        var left = File.Exists(path) ? (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0 && l.Split('\t')[0] != job).ToList() : [];
        if (left.Count == 0)
        {
            AtomicFile.TryDelete(path);
        }
        else
        {
            AtomicFile.WriteAllText(path, string.Join('\n', left) + "\n");
        }
    }

    private string Describe(string stage, string job, int task, TaskEnd end)
    {
        var log = Path.Combine(RunFolder, string.Create(CultureInfo.InvariantCulture, $"{stage}-{job}_{task}.log"));
        var tail = File.Exists(log) ? string.Join("\n", File.ReadLines(log).TakeLast(LogTailLines).Select(l => "    " + l)) : "    (no log)";
        var how = end.Code >= 0 ? string.Create(CultureInfo.InvariantCulture, $"exit code {end.Code}") : end.State;
        return string.Create(CultureInfo.InvariantCulture, $"  task {job}_{task}: {how}; log {log}:\n{tail}");
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>How a task ended: Slurm's state, and its exit code from its marker (-1 when it left none).</summary>
    private readonly record struct TaskEnd(string State, int Code);
}

/// <summary>A job in the live-jobs record: its id, the run (<see cref="SlurmExecutor.RunId"/>) that submitted it, its stage.</summary>
public sealed record LiveJob(string Job, string Run, string Stage);

/// <summary>Jobs a previous login node submitted are still queued or running in this workspace.</summary>
public sealed class SlurmJobsLiveException(string workspace, IReadOnlyList<string> jobs)
    : Exception($"Slurm jobs of an earlier run are still queued or running in the workspace '{workspace}': {string.Join(", ", jobs)}. Wait for them to end (squeue -j {string.Join(',', jobs)}), or cancel them (scancel {string.Join(' ', jobs)}), then run again.")
{
    public IReadOnlyList<string> Jobs { get; } = jobs;
}
