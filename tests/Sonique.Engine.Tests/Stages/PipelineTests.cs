using Sonique.Engine.Hashing;
using Sonique.Engine.SyntheticPipeline;

namespace Sonique.Engine.Tests.Stages;

public sealed class PipelineTests : IDisposable
{
    private readonly TempWorkspace _ws = new(items: 20);

    public void Dispose() => _ws.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Run> RunAsync(string salt = "", PipelineOptions? options = null)
    {
        var stages = new SyntheticStages(_ws.Workspace, salt);
        using var pipeline = Pipeline.Open(_ws.Workspace, options);
        var transform = await pipeline.RunAsync(stages.Transform, Ct);
        var summarize = await pipeline.RunAsync(stages.Summarize, Ct);
        return new Run(transform, summarize, stages, pipeline.FilesHashed);
    }

    [Fact]
    public async Task A_no_op_rerun_runs_nothing_and_reads_no_file()
    {
        var first = await RunAsync();
        Assert.Equal(20, first.Transform.Ran);
        Assert.Equal(1, first.Summarize.Ran);

        var second = await RunAsync();

        Assert.True(second.Transform.DidNothing);
        Assert.True(second.Summarize.DidNothing);
        Assert.Equal(20, second.Transform.Fresh);
        Assert.Equal(0, second.Stages.TransformRuns + second.Stages.SummarizeRuns);
        Assert.Equal(0, second.FilesHashed);
    }

    [Fact]
    public async Task Changing_one_input_reruns_that_item_and_what_reads_it()
    {
        await RunAsync();
        var before = _ws.Snapshot("out");
        _ws.Write("inputs/item00007.b", "changed");

        var rerun = await RunAsync();

        Assert.Equal(1, rerun.Transform.Ran);
        Assert.Equal(19, rerun.Transform.Fresh);
        Assert.Equal(1, rerun.Summarize.Ran);
        var after = _ws.Snapshot("out");
        Assert.Contains("CHANGED", after["out/item00007.txt"], StringComparison.Ordinal);
        Assert.Equal(before.Where(f => f.Key != "out/item00007.txt"), after.Where(f => f.Key != "out/item00007.txt"));
    }

    [Fact]
    public async Task An_upstream_change_that_leaves_outputs_identical_stops_there()
    {
        await RunAsync();
        // Same content, new file: the hash is the same, so nothing is stale.
        var path = _ws.PathOf("inputs/item00003.a");
        var text = File.ReadAllText(path);
        File.Delete(path);
        File.WriteAllText(path, text);

        var rerun = await RunAsync();

        Assert.True(rerun.Transform.DidNothing);
        Assert.True(rerun.Summarize.DidNothing);
    }

    [Fact]
    public async Task Changing_a_parameter_reruns_and_changing_it_back_restores_without_running()
    {
        await RunAsync(salt: "one");
        var original = _ws.Snapshot("out");
        var originalSummary = _ws.Read("summary.txt");

        var changed = await RunAsync(salt: "two");
        Assert.Equal(20, changed.Transform.Ran);
        Assert.NotEqual(original, _ws.Snapshot("out"));

        var back = await RunAsync(salt: "one");

        Assert.Equal(0, back.Stages.TransformRuns);
        Assert.Equal(0, back.Stages.SummarizeRuns);
        Assert.Equal(20, back.Transform.Restored);
        Assert.Equal(1, back.Summarize.Restored);
        Assert.Equal(original, _ws.Snapshot("out"));
        Assert.Equal(originalSummary, _ws.Read("summary.txt"));
    }

    [Fact]
    public async Task A_deleted_output_is_restored_from_the_store()
    {
        await RunAsync();
        var expected = _ws.Read("out/item00011.txt");
        File.Delete(_ws.PathOf("out/item00011.txt"));

        var rerun = await RunAsync();

        Assert.Equal(1, rerun.Transform.Restored);
        Assert.Equal(0, rerun.Stages.TransformRuns);
        Assert.True(rerun.Summarize.DidNothing);
        Assert.Equal(expected, _ws.Read("out/item00011.txt"));
    }

    [Fact]
    public async Task An_output_edited_by_hand_is_detected_and_put_back()
    {
        // Written in place, which only a copy keeps from the store (CacheLinkTests has the linked types).
        var copies = new PipelineOptions { CacheType = CacheLinkType.Copy };
        await RunAsync(options: copies);
        var expected = _ws.Read("out/item00004.txt");
        _ws.Write("out/item00004.txt", "edited by hand");

        var stages = new SyntheticStages(_ws.Workspace);
        using (var pipeline = Pipeline.Open(_ws.Workspace, copies))
        {
            var status = await pipeline.GetStatusAsync(stages.Transform, Ct);
            Assert.Equal(StageState.Stale, status.State);
            var item = Assert.Single(status.FirstStale);
            Assert.Equal("item00004", item.Key);
            Assert.Contains("output 'out/item00004.txt' was modified", item.Reasons);
        }

        var rerun = await RunAsync(options: copies);
        Assert.Equal(1, rerun.Transform.Restored);
        Assert.Equal(expected, _ws.Read("out/item00004.txt"));
    }

    [Fact]
    public async Task A_corrupt_store_entry_is_detected_on_restore_and_rebuilt()
    {
        await RunAsync();
        var expected = _ws.Read("out/item00002.txt");
        var store = new ContentStore(_ws.Workspace.StoreDirectory);
        var hash = FileHasher.Hash(_ws.PathOf("out/item00002.txt"), Ct);
        File.WriteAllText(store.PathOf(hash), "bit rot");
        File.Delete(_ws.PathOf("out/item00002.txt"));
        var observer = new RecordingObserver();

        var rerun = await RunAsync(options: new PipelineOptions { Observer = observer });

        Assert.Equal(1, rerun.Transform.Ran);
        Assert.Equal(0, rerun.Transform.Restored);
        Assert.Contains(observer.Warnings, w => w.Contains("corrupt", StringComparison.Ordinal) && w.Contains("out/item00002.txt", StringComparison.Ordinal));
        Assert.Equal(expected, _ws.Read("out/item00002.txt"));
        Assert.Equal(hash, FileHasher.Hash(store.PathOf(hash), Ct));
    }

    [Fact]
    public async Task A_manifest_missing_from_the_store_is_warned_about_and_its_items_are_restored_not_run()
    {
        await RunAsync();
        var lockBefore = _ws.Read("sonique.lock");
        var expected = _ws.Read("out/item00003.txt");
        var store = new ContentStore(_ws.Workspace.StoreDirectory);
        ContentHash manifest;
        using (var reader = Pipeline.OpenForReading(_ws.Workspace))
        {
            manifest = Assert.Single(reader.Manifests);
        }

        // As on a fresh clone whose store lacks the manifest (but whose run cache and store know the outputs).
        File.Delete(store.PathOf(manifest));
        File.Delete(_ws.PathOf("out/item00003.txt"));
        var observer = new RecordingObserver();
        var stages = new SyntheticStages(_ws.Workspace);
        using (var reader = Pipeline.OpenForReading(_ws.Workspace, new PipelineOptions { Observer = observer }))
        {
            var status = await reader.GetStatusAsync(stages.Transform, Ct);
            Assert.Equal(StageState.Stale, status.State);
            Assert.Equal(20, status.StaleItems);
            Assert.Equal(["never run"], status.FirstStale[0].Reasons);
        }

        var rerun = await RunAsync(options: new PipelineOptions { Observer = observer });

        Assert.Equal(20, rerun.Transform.Restored);
        Assert.Equal(0, rerun.Stages.TransformRuns);
        Assert.True(rerun.Summarize.DidNothing);
        Assert.Equal(2, observer.Warnings.Count(w => w.Contains(manifest.ToString(), StringComparison.Ordinal)));
        Assert.Equal(expected, _ws.Read("out/item00003.txt"));
        Assert.Equal(lockBefore, _ws.Read("sonique.lock"));
        Assert.True(store.Contains(manifest));
    }

    [Fact]
    public async Task A_second_run_on_the_same_workspace_is_refused_clearly()
    {
        using var first = Pipeline.Open(_ws.Workspace);

        var refused = Assert.Throws<WorkspaceBusyException>(() => Pipeline.Open(_ws.Workspace));

        Assert.Contains("Another Sonique run", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"pid {Environment.ProcessId}", refused.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_pipeline_opened_for_reading_takes_no_lock_sees_the_holder_and_refuses_to_run()
    {
        await RunAsync();
        var stages = new SyntheticStages(_ws.Workspace);
        using (var idle = Pipeline.OpenForReading(_ws.Workspace))
        {
            Assert.Null(idle.RunningRun);
            Assert.Equal(StageState.Fresh, (await idle.GetStatusAsync(stages.Transform, Ct)).State);
        }

        using var run = Pipeline.Open(_ws.Workspace);
        using var reader = Pipeline.OpenForReading(_ws.Workspace);

        Assert.StartsWith($"pid {Environment.ProcessId}, started ", reader.RunningRun, StringComparison.Ordinal);
        Assert.Equal(StageState.Fresh, (await reader.GetStatusAsync(stages.Summarize, Ct)).State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.RunAsync(stages.Transform, Ct));
        using var second = Pipeline.OpenForReading(_ws.Workspace); // readers do not exclude each other
        Assert.NotNull(second.RunningRun);
    }

    [Fact]
    public async Task A_stage_failure_thrown_by_an_item_fails_the_stage_once_and_records_no_item_failure()
    {
        var observer = new RecordingObserver();
        var calls = 0;
        var stage = new ItemStage("Broken", 1)
        {
            Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>(
                [.. Enumerable.Range(0, 20).Select(i => new StageItem($"item{i:00000}", [$"inputs/item{i:00000}.a"], [$"broken/item{i:00000}.txt"]))]),
            Run = (_, _) =>
            {
                Interlocked.Increment(ref calls);
                throw new StageFailedException("Broken", "the model 'm.onnx' cannot be loaded");
            },
        };

        using (var pipeline = Pipeline.Open(_ws.Workspace, new PipelineOptions { Jobs = 2, Observer = observer }))
        {
            var error = await Assert.ThrowsAsync<StageFailedException>(() => pipeline.RunAsync(stage, Ct));

            Assert.Equal("Stage Broken: the model 'm.onnx' cannot be loaded", error.Message);
            Assert.Empty(pipeline.FailedItems("Broken"));
        }

        Assert.Empty(observer.Items);
        Assert.InRange(calls, 1, 2); // the items already in flight on the 2 workers, no more
        Assert.DoesNotContain("Broken", File.Exists(_ws.Workspace.LockFilePath) ? File.ReadAllText(_ws.Workspace.LockFilePath) : "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30)] // EROFS on Linux and macOS
    [InlineData(unchecked((int)0x80070013))] // ERROR_WRITE_PROTECT on Windows
    public void A_lock_that_cannot_be_written_is_reported_as_read_only_not_as_busy(int hresult)
    {
        Assert.True(WorkspaceLock.IsNotWritable(new IOException("Read-only file system", hresult)));
        Assert.True(WorkspaceLock.IsNotWritable(new UnauthorizedAccessException("Access to the path is denied.")));
        Assert.False(WorkspaceLock.IsNotWritable(new IOException("The process cannot access the file because it is being used by another process.", 11)));
        var message = new WorkspaceReadOnlyException("/data/ws", new IOException("Read-only file system", hresult)).Message;
        Assert.Contains("'/data/ws' is read-only (Read-only file system)", message, StringComparison.Ordinal);
        Assert.Contains("--target=Status` works on a read-only workspace", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Force_recomputes_instead_of_restoring()
    {
        await RunAsync();

        var forced = await RunAsync(options: new PipelineOptions { ForceStages = new HashSet<string> { "Transform" } });

        Assert.Equal(20, forced.Transform.Ran);
        Assert.Equal(20, forced.Stages.TransformRuns);
        Assert.True(forced.Summarize.DidNothing);
    }

    [Fact]
    public async Task A_failing_item_does_not_sink_the_run_and_a_permanent_failure_is_not_retried()
    {
        _ws.Write("inputs/item00005.a", "FAIL-PERMANENT corrupt");
        _ws.Write("inputs/item00006.a", "FAIL transient");

        var first = await RunAsync();
        Assert.Equal(18, first.Transform.Ran);
        Assert.Equal(2, first.Transform.Failed);
        Assert.Equal(1, first.Summarize.Ran);

        var second = await RunAsync();
        Assert.Equal(1, second.Transform.Failed);
        Assert.Equal(1, second.Transform.KnownFailures);
        Assert.Equal(1, second.Stages.TransformRuns);

        _ws.Write("inputs/item00005.a", "fixed");
        var third = await RunAsync();
        Assert.Equal(1, third.Transform.Ran);
        using var pipeline = Pipeline.Open(_ws.Workspace);
        var failure = Assert.Single(pipeline.FailedItems("Transform"));
        Assert.Equal("item00006", failure.Key);
        Assert.Equal("'item00006.a' asks to fail", failure.Value.Failure);
    }

    [Fact]
    public async Task Status_explains_what_is_stale_and_why()
    {
        var stages = new SyntheticStages(_ws.Workspace, "a");
        using (var pipeline = Pipeline.Open(_ws.Workspace))
        {
            Assert.Equal(StageState.NeverRun, (await pipeline.GetStatusAsync(stages.Transform, Ct)).State);
            var summarize = await pipeline.GetStatusAsync(stages.Summarize, Ct);
            Assert.Equal(StageState.Waiting, summarize.State);
            Assert.Contains("input folder 'out/' does not exist", summarize.Reasons[0], StringComparison.Ordinal);
        }

        await RunAsync(salt: "a");
        _ws.Write("inputs/item00001.a", "new");
        var changed = new SyntheticStages(_ws.Workspace, "b");
        using (var pipeline = Pipeline.Open(_ws.Workspace))
        {
            var status = await pipeline.GetStatusAsync(changed.Transform, Ct);
            Assert.Equal(StageState.Stale, status.State);
            Assert.Equal(20, status.StaleItems);
            Assert.Equal(5, status.FirstStale.Count);
            Assert.Equal(["parameter salt: a -> b"], status.FirstStale[0].Reasons);
            Assert.Equal(["parameter salt: a -> b", "input 'inputs/item00001.a' changed"], status.FirstStale[1].Reasons);
            Assert.Equal(StageState.Fresh, (await pipeline.GetStatusAsync(changed.Summarize, Ct)).State);
        }
    }

    [Fact]
    public async Task Cancelling_keeps_finished_items_and_the_next_run_finishes_the_rest()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var done = 0;
        var stages = new SyntheticStages(_ws.Workspace);
        var transform = stages.Transform;
        var stopping = new ItemStage(transform.Name, transform.Version)
        {
            Parameters = transform.Parameters,
            Items = transform.Items,
            Run = async (run, ct) =>
            {
                await transform.Run(run, ct);
                if (Interlocked.Increment(ref done) == 5)
                {
                    await cancel.CancelAsync();
                }
            },
        };

        using (var pipeline = Pipeline.Open(_ws.Workspace, new PipelineOptions { Jobs = 1 }))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.RunAsync(stopping, cancel.Token));
        }

        var rerun = await RunAsync();
        Assert.Equal(15, rerun.Transform.Ran);
        Assert.Equal(5, rerun.Transform.Fresh);
        Assert.Empty(Directory.GetFileSystemEntries(_ws.Workspace.StagingDirectory));
    }

    [Fact]
    public async Task An_item_that_names_a_path_outside_the_workspace_fails_with_a_clear_reason()
    {
        var escaping = new ItemStage("Escape", 1)
        {
            Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>([new StageItem("evil", [], ["../outside.txt"])]),
            Run = (run, ct) => File.WriteAllTextAsync(run.Output(0), "x", ct),
        };

        using var pipeline = Pipeline.Open(_ws.Workspace);
        var report = await pipeline.RunAsync(escaping, Ct);

        Assert.Equal(1, report.Failed);
        Assert.Contains("leaves the workspace", pipeline.FailedItems("Escape")[0].Value.Failure, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_ws.Root)!, "outside.txt")));
    }

    [Fact]
    public async Task A_unit_stage_with_a_folder_output_is_restored_whole()
    {
        var runs = 0;
        UnitStage Folder(string mode) => new("Folder", 1)
        {
            Parameters = new Dictionary<string, string> { ["mode"] = mode },
            Outputs = ["model/"],
            Run = async (run, ct) =>
            {
                runs++;
                await File.WriteAllTextAsync(Path.Combine(run.Output(0), "weights.bin"), mode, ct);
                Directory.CreateDirectory(Path.Combine(run.Output(0), "checkpoints"));
                await File.WriteAllTextAsync(Path.Combine(run.Output(0), "checkpoints", mode + ".ckpt"), mode, ct);
            },
        };

        using (var pipeline = Pipeline.Open(_ws.Workspace))
        {
            await pipeline.RunAsync(Folder("x"), Ct);
            await pipeline.RunAsync(Folder("y"), Ct);
            Assert.Equal(["model/checkpoints/y.ckpt", "model/weights.bin"], _ws.Snapshot("model").Keys.Select(k => k.Replace('\\', '/')));
            var back = await pipeline.RunAsync(Folder("x"), Ct);
            Assert.Equal(1, back.Restored);
        }

        Assert.Equal(2, runs);
        Assert.Equal(["model/checkpoints/x.ckpt", "model/weights.bin"], _ws.Snapshot("model").Keys.Select(k => k.Replace('\\', '/')));
        Assert.Equal("x", _ws.Read("model/weights.bin"));
    }

    private sealed record Run(StageReport Transform, StageReport Summarize, SyntheticStages Stages, long FilesHashed);
}
