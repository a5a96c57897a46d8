using Sonique.Engine;
using Sonique.Engine.Hashing;
using Sonique.Engine.SyntheticPipeline;
using Sonique.Engine.Tests;

namespace Sonique.Remote.Tests;

/// <summary>
/// The engine with a real remote cache, as two machines share one: machine A runs the synthetic pipeline (plus a third
/// stage of its own, Index, that reads the inputs) and pushes; machine B, a fresh clone with an empty local cache,
/// pulls what it can and runs the rest.
/// </summary>
public abstract class RemotePipelineTests<TKind>(TKind kind) : IClassFixture<TKind>, IDisposable
    where TKind : RemoteKind, new()
{
    private const int Items = 12;

    private static readonly string[] UnitOutputs = ["summary.txt", "index.txt", "sonique.lock"];

    private readonly TempWorkspace _a = new(Items);
    private readonly TempWorkspace _b = new(Items);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TKind Kind { get; } = kind;

    protected string Prefix { get; } = Guid.NewGuid().ToString("N");

    private protected TempWorkspace A => _a;

    private protected TempWorkspace B => _b;

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_fresh_clone_with_an_empty_cache_restores_everything_from_the_remote_and_runs_nothing()
    {
        var pushed = await RunAsync(_a, Kind.Open(Prefix));
        Assert.Equal(Items, pushed.Transform.Ran);

        var pulled = await RunAsync(_b, Kind.Open(Prefix));

        Assert.Equal((0, Items), (pulled.Transform.Ran, pulled.Transform.Restored));
        Assert.Equal((0, 1), (pulled.Summarize.Ran, pulled.Summarize.Restored));
        Assert.Equal((0, 1), (pulled.Index.Ran, pulled.Index.Restored));
        Assert.Equal(0, pulled.CodeRuns);
        Assert.Empty(pulled.Observer.Warnings);
        AssertSameArtifacts(_a, _b);
    }

    [Fact]
    public async Task One_changed_parameter_reruns_that_stage_and_what_reads_it_and_restores_the_rest()
    {
        await RunAsync(_a, Kind.Open(Prefix));

        var newFormat = await RunAsync(_b, Kind.Open(Prefix), format: "upper");

        Assert.Equal((0, Items), (newFormat.Transform.Ran, newFormat.Transform.Restored));
        Assert.Equal((0, 1), (newFormat.Summarize.Ran, newFormat.Summarize.Restored));
        Assert.Equal((1, 0), (newFormat.Index.Ran, newFormat.Index.Restored));

        using var c = new TempWorkspace(Items);
        var newSalt = await RunAsync(c, Kind.Open(Prefix), salt: "other");

        Assert.Equal((Items, 0), (newSalt.Transform.Ran, newSalt.Transform.Restored));
        Assert.Equal((1, 0), (newSalt.Summarize.Ran, newSalt.Summarize.Restored));
        Assert.Equal((0, 1), (newSalt.Index.Ran, newSalt.Index.Restored));
    }

    [Fact]
    public async Task An_object_flipped_on_the_remote_is_detected_recomputed_reported_and_replaced()
    {
        await RunAsync(_a, Kind.Open(Prefix));
        var remote = Kind.Open(Prefix);
        var hash = ContentHash.Of(File.ReadAllBytes(_a.PathOf("out/item00003.txt")));
        var flipped = await ReadBlobAsync(remote, hash);
        flipped[5] ^= 0x20;
        var file = _b.PathOf("flipped.bin");
        await File.WriteAllBytesAsync(file, flipped, Ct);
        await remote.PutBlobAsync(hash, file, Ct);
        File.Delete(file);

        var run = await RunAsync(_b, Kind.Open(Prefix));

        Assert.Equal((1, Items - 1), (run.Transform.Ran, run.Transform.Restored));
        Assert.Equal(1, run.Stages.TransformRuns);
        var warning = Assert.Single(run.Observer.Warnings);
        Assert.Contains(remote.Name, warning, StringComparison.Ordinal);
        Assert.Contains(hash.ToString(), warning, StringComparison.Ordinal);
        AssertSameArtifacts(_a, _b);
        Assert.Equal(hash, ContentHash.Of(await ReadBlobAsync(remote, hash)));
    }

    [Fact]
    public async Task A_remote_that_stops_mid_run_leaves_the_run_to_finish_locally_with_one_warning()
    {
        await using var own = new TKind();
        await own.InitializeAsync();
        await RunAsync(_a, own.Open(Prefix));
        var remote = own.Open(Prefix);
        var stopped = 0;
        var observer = new RecordingObserver
        {
            OnItemFinished = () =>
            {
                if (Interlocked.Exchange(ref stopped, 1) == 0)
                {
                    own.StopAsync().GetAwaiter().GetResult();
                }
            },
        };

        // One item and one transfer at a time, so that the stop lands after exactly one restore.
        var run = await RunAsync(_b, remote, observer: observer, jobs: 1, transfers: 1);

        Assert.Equal(1, run.Transform.Restored);
        Assert.Equal(Items - 1, run.Transform.Ran);
        Assert.Equal(1, run.Summarize.Ran + run.Summarize.Restored);
        var warning = Assert.Single(run.Observer.Warnings);
        Assert.Contains(remote.Name, warning, StringComparison.Ordinal);
        Assert.Contains("goes on with the local cache only", warning, StringComparison.Ordinal);
        AssertSameArtifacts(_a, _b);
    }

    [Fact]
    public async Task Pull_only_takes_from_the_remote_and_gives_it_nothing()
    {
        var first = await RunAsync(_a, Kind.Open(Prefix), push: false);
        Assert.Equal(Items, first.Transform.Ran);

        var second = await RunAsync(_b, Kind.Open(Prefix));

        Assert.Equal((Items, 0), (second.Transform.Ran, second.Transform.Restored));
    }

    [Fact]
    public async Task Push_of_a_local_workspace_then_Pull_into_a_fresh_clone_restores_it_without_running_anything()
    {
        await RunAsync(_a, remote: null);
        using (var pipeline = Pipeline.Open(_a.Workspace, new PipelineOptions { Remote = Kind.Open(Prefix) }))
        {
            Assert.Equal(Items + 2, await pipeline.PushAsync(Stages(_a, "", "plain").All, Ct));
        }

        var stages = Stages(_b, "", "plain");
        using (var pipeline = Pipeline.Open(_b.Workspace, new PipelineOptions { Remote = Kind.Open(Prefix) }))
        {
            var restored = 0;
            foreach (var stage in stages.All)
            {
                restored += (await pipeline.PullAsync(stage, Ct)).Restored;
            }

            Assert.Equal(Items + 2, restored);
        }

        Assert.Equal(0, stages.CodeRuns);
        AssertSameArtifacts(_a, _b);
        var rerun = await RunAsync(_b, remote: null);
        Assert.True(rerun.Transform.DidNothing && rerun.Summarize.DidNothing && rerun.Index.DidNothing);
    }

    [Fact]
    public async Task A_stage_run_in_shards_as_on_a_cluster_pushes_its_items_and_manifest_so_a_clone_restores_it()
    {
        // Transform alone first: no later stage's push carries its manifest along.
        var remote = Kind.Open(Prefix);
        using (var alone = Pipeline.Open(_a.Workspace, new PipelineOptions { Jobs = 2, Remote = remote }))
        {
            var report = await RunInShardsAsync(alone, new SyntheticStages(_a.Workspace).Transform, 5, _a, new PipelineOptions { Jobs = 2, Remote = remote });
            Assert.Equal(Items, report.Ran);
            Assert.NotEmpty(alone.Manifests);
            foreach (var manifest in alone.Manifests)
            {
                Assert.NotEmpty(await ReadBlobAsync(remote, manifest));
            }
        }

        var pushed = await RunAsync(_a, Kind.Open(Prefix), shardsOf: 5);
        Assert.True(pushed.Transform.DidNothing);

        // A clone with A's lock file: its manifests come from the remote (a missing one would be warned about).
        File.Copy(_a.PathOf("sonique.lock"), _b.PathOf("sonique.lock"));
        var pulled = await RunAsync(_b, Kind.Open(Prefix));

        Assert.Empty(pulled.Observer.Warnings);
        Assert.Equal((0, Items), (pulled.Transform.Ran, pulled.Transform.Restored));
        Assert.Equal(0, pulled.CodeRuns);
        AssertSameArtifacts(_a, _b);
    }

    /// <summary>Runs the three stages; with <paramref name="shardsOf"/>, Transform's stale items run as shards of that
    /// many items, each through a pipeline of its own as a cluster's array task runs it, committed by this one.</summary>
    private protected static async Task<Run> RunAsync(
        TempWorkspace workspace,
        IRemoteCache? remote,
        string salt = "",
        string format = "plain",
        bool push = true,
        RecordingObserver? observer = null,
        int jobs = 2,
        int shardsOf = 0,
        int transfers = 8)
    {
        observer ??= new RecordingObserver();
        var stages = Stages(workspace, salt, format);
        var options = new PipelineOptions { Jobs = jobs, RemoteTransfers = transfers, Remote = remote, PushToRemote = push, Observer = observer };
        using var pipeline = Pipeline.Open(workspace.Workspace, options);
        var reports = new List<StageReport>();
        foreach (var stage in stages.All)
        {
            reports.Add(shardsOf > 0 && stage is ItemStage items ? await RunInShardsAsync(pipeline, items, shardsOf, workspace, new PipelineOptions { Jobs = jobs, Remote = remote, PushToRemote = push }) : await pipeline.RunAsync(stage, Ct));
        }

        return new Run(reports[0], reports[1], reports[2], stages, observer);
    }

    private static async Task<StageReport> RunInShardsAsync(Pipeline pipeline, ItemStage stage, int shardsOf, TempWorkspace workspace, PipelineOptions options)
    {
        var run = await pipeline.StartShardedAsync(stage, Ct);
        var shards = run.ToDo.Chunk(shardsOf).ToList();
        for (var i = 0; i < shards.Count; i++)
        {
            var journalPath = workspace.PathOf($"shard-{i}.journal");
            using (var journal = new ShardJournal(journalPath))
            using (var shard = Pipeline.OpenForShard(workspace.Workspace, options))
            {
                await shard.RunShardAsync(stage, shards[i], journal, Ct);
            }

            run.Fold(new ShardJournalReader(journalPath));
        }

        return await pipeline.FinishShardedAsync(run, Ct);
    }

    protected static async Task<byte[]> ReadBlobAsync(IRemoteCache remote, ContentHash hash)
    {
        await using var stream = await remote.TryOpenBlobAsync(hash, Ct) ?? throw new InvalidOperationException($"{hash} is not on the remote");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    /// <summary>Every artifact and the lock file, byte for byte.</summary>
    private static void AssertSameArtifacts(TempWorkspace expected, TempWorkspace actual)
    {
        foreach (var file in UnitOutputs.Concat(Directory.EnumerateFiles(expected.PathOf("out")).Select(f => "out/" + Path.GetFileName(f))))
        {
            Assert.True(File.ReadAllBytes(expected.PathOf(file)).AsSpan().SequenceEqual(File.ReadAllBytes(actual.PathOf(file))), $"{file} differs");
        }

        Assert.Equal(Directory.GetFiles(expected.PathOf("out")).Length, Directory.GetFiles(actual.PathOf("out")).Length);
    }

    private static ThreeStages Stages(TempWorkspace workspace, string salt, string format) => new(new SyntheticStages(workspace.Workspace, salt), format);

    private protected sealed record Run(StageReport Transform, StageReport Summarize, StageReport Index, ThreeStages Stages, RecordingObserver Observer)
    {
        public int CodeRuns => Stages.CodeRuns;
    }

    /// <summary>The synthetic pipeline's two stages, and Index beside them: it reads the inputs only, so a change to its
    /// parameter reruns it alone, and a change to Transform's leaves it restored.</summary>
    private protected sealed class ThreeStages(SyntheticStages synthetic, string format)
    {
        private int _indexRuns;

        public int IndexRuns => _indexRuns;

        public int CodeRuns => synthetic.TransformRuns + synthetic.SummarizeRuns + IndexRuns;

        public SyntheticStages Synthetic => synthetic;

        public int TransformRuns => synthetic.TransformRuns;

        public IReadOnlyList<StageDefinition> All => [synthetic.Transform, synthetic.Summarize, Index];

        private UnitStage Index => new("Index", 1)
        {
            Parameters = new Dictionary<string, string> { ["format"] = format },
            Inputs = ["inputs/"],
            Outputs = ["index.txt"],
            Run = async (run, ct) =>
            {
                Interlocked.Increment(ref _indexRuns);
                var names = run.InputFiles.Select(Path.GetFileName).Order(StringComparer.Ordinal);
                await File.WriteAllLinesAsync(run.Output(0), names.Select(n => format == "upper" ? n!.ToUpperInvariant() : n!), ct);
            },
        };
    }
}

public sealed class FolderRemotePipelineTests(FolderKind kind) : RemotePipelineTests<FolderKind>(kind);

[Trait("Tier", "Tool")] // nginx from Debian (./build.sh --target=Test installs it)
public sealed class HttpRemotePipelineTests(NginxKind kind) : RemotePipelineTests<NginxKind>(kind);

[Trait("Tier", "Tool")] // Swift from Debian (./build.sh --target=Test installs it)
public sealed class S3RemotePipelineTests(SwiftKind kind) : RemotePipelineTests<SwiftKind>(kind)
{
    [Fact]
    public async Task Wrong_credentials_warn_once_naming_the_remote_the_run_goes_on_and_Push_fails_clearly()
    {
        const string Secret = "not-the-secret-7f3a";
        var remote = RemoteCacheAddress.Open(Kind.Address(Prefix), Kind.WithSecret(Secret));

        var run = await RunAsync(A, remote);

        Assert.Equal(12, run.Transform.Ran);
        var warning = Assert.Single(run.Observer.Warnings);
        Assert.Contains($"{remote.Name}: wrong credentials", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, warning, StringComparison.Ordinal);
        using var pipeline = Pipeline.Open(A.Workspace, new PipelineOptions { Remote = remote });
        var failure = await Assert.ThrowsAsync<RemoteCacheException>(() => pipeline.PushAsync(RunStages(A), Ct));
        Assert.Contains($"{remote.Name}: wrong credentials", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, failure.ToString(), StringComparison.Ordinal);
    }

    private static IReadOnlyList<StageDefinition> RunStages(TempWorkspace workspace) => new SyntheticStages(workspace.Workspace).All;
}
