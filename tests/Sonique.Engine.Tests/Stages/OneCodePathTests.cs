using Sonique.Engine.SyntheticPipeline;
using Sonique.Engine.Tests.Storage;

namespace Sonique.Engine.Tests.Stages;

/// <summary>A unit stage runs as a stage of one item: what that path must keep (the records as they were written
/// before) and what it gives both kinds of stage alike (failures in a library's own terms).</summary>
public sealed class OneCodePathTests : IDisposable
{
    /// <summary>What the engine wrote for two items of Transform (salt "pepper") and Summarize before both kinds of stage
    /// took one code path: a unit stage's record at the stage level, fingerprints from the same parts.</summary>
    private const string LockWrittenBefore = """
        {
          "format": 1,
          "stages": {
            "Summarize": {
              "version": 1,
              "parameters": {},
              "fingerprint": "74f3a079be03c2bc36f717e4d4802dfc",
              "inputs": {
                "out/item00000.txt": "de99787978fb95ac1c627dc4e7f8b119",
                "out/item00001.txt": "12b56be2c1d9d1ce58abb596ebaebc57"
              },
              "outputs": {
                "summary.txt": "b1a90dbdd0b511fd9e984a935f762fa2"
              }
            },
            "Transform": {
              "version": 1,
              "parameters": {
                "salt": "pepper"
              },
              "items": {
                "item00000": {
                  "fingerprint": "0e146c13bbfea50f40a09a87ba1c0104",
                  "inputs": {
                    "inputs/item00000.a": "b452638ce157fabb575be8f297f6248a",
                    "inputs/item00000.b": "fe24ad9220f6a994844b57e372ae9edf"
                  },
                  "outputs": {
                    "out/item00000.txt": "de99787978fb95ac1c627dc4e7f8b119"
                  },
                  "permanent": false
                },
                "item00001": {
                  "fingerprint": "6698d9115169f326c200f0b865b37092",
                  "inputs": {
                    "inputs/item00001.a": "76e5e6cb91b078f10ea2e170e75b4ac1",
                    "inputs/item00001.b": "e7e172fb1d9f8f94507bd3ddb076f2f1"
                  },
                  "outputs": {
                    "out/item00001.txt": "12b56be2c1d9d1ce58abb596ebaebc57"
                  },
                  "permanent": false
                }
              }
            }
          }
        }

        """;

    /// <summary>The same run's lock file since per-item records moved into a manifest: the unit stage's record as before,
    /// the per-item stage's header naming the manifest (the hash of its canonical bytes) and counting its items.</summary>
    private const string LockWritten = """
        {
          "format": 2,
          "stages": {
            "Summarize": {
              "version": 1,
              "parameters": {},
              "fingerprint": "74f3a079be03c2bc36f717e4d4802dfc",
              "inputs": {
                "out/item00000.txt": "de99787978fb95ac1c627dc4e7f8b119",
                "out/item00001.txt": "12b56be2c1d9d1ce58abb596ebaebc57"
              },
              "outputs": {
                "summary.txt": "b1a90dbdd0b511fd9e984a935f762fa2"
              }
            },
            "Transform": {
              "version": 1,
              "parameters": {
                "salt": "pepper"
              },
              "manifest": "293e57adaecc8bd6f700fb92d09b398d",
              "items": 2,
              "succeeded": 2,
              "failed": 0
            }
          }
        }

        """;

    private readonly TempWorkspace _ws = new(items: 2);

    public void Dispose() => _ws.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_record_is_written_as_before_and_a_lock_written_before_reads_fresh_and_is_left_as_it_was()
    {
        var stages = new SyntheticStages(_ws.Workspace, "pepper");
        using (var pipeline = Pipeline.Open(_ws.Workspace))
        {
            await pipeline.RunAsync(stages.Transform, Ct);
            await pipeline.RunAsync(stages.Summarize, Ct);
        }

        Assert.Equal(LockWritten.ReplaceLineEndings("\n"), File.ReadAllText(_ws.Workspace.LockFilePath));
        var store = new ContentStore(_ws.Workspace.StoreDirectory);
        File.WriteAllText(_ws.PathOf("before.lock"), LockWrittenBefore);
        using (var before = LockFile.OpenForReading(_ws.PathOf("before.lock"), _ws.PathOf("before.journal"), store))
        using (var now = LockFile.OpenForReading(_ws.Workspace.LockFilePath, _ws.Workspace.JournalPath, store))
        {
            Assert.Equal(ItemRecordText.Of(before.Items("Transform")), ItemRecordText.Of(now.Items("Transform")));
        }

        // A workspace whose lock was written before (and whose hash cache is gone): nothing to do, nothing rewritten.
        var runs = stages.TransformRuns + stages.SummarizeRuns;
        File.Delete(_ws.Workspace.HashCachePath);
        File.WriteAllText(_ws.Workspace.LockFilePath, LockWrittenBefore);
        var written = File.GetLastWriteTimeUtc(_ws.Workspace.LockFilePath);
        using (var pipeline = Pipeline.Open(_ws.Workspace))
        {
            Assert.Equal(StageState.Fresh, (await pipeline.GetStatusAsync(stages.Summarize, Ct)).State);
            Assert.True((await pipeline.RunAsync(stages.Transform, Ct)).DidNothing);
            Assert.True((await pipeline.RunAsync(stages.Summarize, Ct)).DidNothing);
        }

        Assert.Equal(runs, stages.TransformRuns + stages.SummarizeRuns);
        Assert.Equal(written, File.GetLastWriteTimeUtc(_ws.Workspace.LockFilePath));
    }

    [Fact]
    public async Task A_unit_stage_whose_item_fails_fails_once_keeps_its_last_result_and_is_tried_again()
    {
        var observer = new RecordingObserver();
        var fail = false;
        UnitStage Join() => new("Join", 1)
        {
            Inputs = ["inputs/"],
            Outputs = ["joined.txt"],
            Run = async (run, ct) =>
            {
                await File.WriteAllTextAsync(run.Output(0), string.Join(",", run.InputFiles.Select(Path.GetFileName)), ct);
                if (fail)
                {
                    throw new ItemFailedException("the join refuses these inputs");
                }
            },
        };

        using (var pipeline = Pipeline.Open(_ws.Workspace, new PipelineOptions { Observer = observer }))
        {
            Assert.Equal(1, (await pipeline.RunAsync(Join(), Ct)).Ran);
            var joined = _ws.Read("joined.txt");
            Assert.Equal("item00000.a,item00000.b,item00001.a,item00001.b", joined);
            Assert.Equal(("Join", "Join", ItemOutcome.Ran), Assert.Single(observer.Items));

            _ws.Write("inputs/item00002.a", "new");
            fail = true;
            var error = await Assert.ThrowsAsync<StageFailedException>(() => pipeline.RunAsync(Join(), Ct));

            Assert.Equal("Stage Join: the join refuses these inputs", error.Message);
            Assert.Single(observer.Items);
            Assert.Empty(pipeline.FailedItems("Join"));
            Assert.Equal(joined, _ws.Read("joined.txt"));
            var status = await pipeline.GetStatusAsync(Join(), Ct);
            Assert.Equal(StageState.Stale, status.State);
            Assert.Equal(["input 'inputs/item00002.a' added"], status.Reasons);
            Assert.Empty(status.FirstStale);
        }

        Assert.DoesNotContain("refuses", File.ReadAllText(_ws.Workspace.LockFilePath), StringComparison.Ordinal);
        fail = false;
        using (var pipeline = Pipeline.Open(_ws.Workspace))
        {
            Assert.Equal(1, (await pipeline.RunAsync(Join(), Ct)).Ran);
        }

        Assert.Equal("item00000.a,item00000.b,item00001.a,item00001.b,item00002.a", _ws.Read("joined.txt"));
    }

    [Fact]
    public async Task A_failure_in_a_librarys_own_terms_is_read_as_an_item_failure_through_the_hosts_translation()
    {
        var options = new PipelineOptions
        {
            ItemFailureOf = e => e is ClipRefusedException refused ? new ItemFailedException(refused.Message, refused.Permanent, refused) : null,
        };
        var tries = 0;
        var perItem = new ItemStage("Check", 1)
        {
            Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>(
                [new StageItem("gone", ["inputs/item00000.a"], ["checked/gone.txt"]), new StageItem("flaky", ["inputs/item00001.a"], ["checked/flaky.txt"])]),
            Run = (run, _) =>
            {
                Interlocked.Increment(ref tries);
                throw new ClipRefusedException(run.Key == "gone" ? "unavailable (removed)" : "server error, will be retried", permanent: run.Key == "gone");
            },
        };
        var unit = new UnitStage("Train", 1)
        {
            Outputs = ["model.bin"],
            Run = (_, _) => throw new ClipRefusedException("no examples to train on", permanent: true),
        };

        using (var pipeline = Pipeline.Open(_ws.Workspace, options))
        {
            var report = await pipeline.RunAsync(perItem, Ct);
            Assert.Equal(2, report.Failed);
            var failures = pipeline.FailedItems("Check").ToDictionary(f => f.Key, f => f.Value);
            Assert.Equal("unavailable (removed)", failures["gone"].Failure);
            Assert.True(failures["gone"].Permanent);
            Assert.Equal("server error, will be retried", failures["flaky"].Failure);
            Assert.False(failures["flaky"].Permanent);

            var error = await Assert.ThrowsAsync<StageFailedException>(() => pipeline.RunAsync(unit, Ct));
            Assert.Equal("Stage Train: no examples to train on", error.Message);
            Assert.IsType<ClipRefusedException>(error.InnerException);
        }

        using (var pipeline = Pipeline.Open(_ws.Workspace, options))
        {
            var again = await pipeline.RunAsync(perItem, Ct);
            Assert.Equal((1, 1), (again.KnownFailures, again.Failed));
        }

        Assert.Equal(3, tries);

        // Without the translation the library's exception is an unexpected error: retried, named by its type.
        using (var pipeline = Pipeline.Open(_ws.Workspace, new PipelineOptions { ForceAll = true }))
        {
            await pipeline.RunAsync(perItem, Ct);
            var gone = pipeline.FailedItems("Check").Single(f => f.Key == "gone").Value;
            Assert.Equal("ClipRefusedException: unavailable (removed)", gone.Failure);
            Assert.False(gone.Permanent);
            await Assert.ThrowsAsync<ClipRefusedException>(() => pipeline.RunAsync(unit, Ct));
        }
    }

    /// <summary>A failure as a library reports it, knowing nothing of the engine.</summary>
    private sealed class ClipRefusedException(string reason, bool permanent) : Exception(reason)
    {
        public bool Permanent { get; } = permanent;
    }
}
