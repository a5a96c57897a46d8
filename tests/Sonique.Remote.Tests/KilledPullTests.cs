using System.Diagnostics;
using System.Text.Json;
using Sonique.Engine;
using Sonique.Engine.Hashing;
using Sonique.Engine.SyntheticPipeline;
using Sonique.Engine.Tests;
using Sonique.Tests.Shared;

namespace Sonique.Remote.Tests;

/// <summary>
/// A run killed with SIGKILL while it pulls from a remote cache (a shared folder). One blob on the remote is a named
/// pipe the test feeds half of, so that pull stays in flight, its bytes half written, while the others finish: what the
/// kill leaves must be only whole blobs under their names and only records whose blobs are whole in the store.
/// </summary>
[Trait("Tier", "Tool")] // the synthetic pipeline runs as a child process; mkfifo
public sealed class KilledPullTests : IDisposable
{
    private const int Items = 12;

    private readonly TempWorkspace _a = new(Items);
    private readonly TempWorkspace _b = new(Items);
    private readonly TempFolder _remote = new("remote-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _remote.Dispose();
    }

    [Fact]
    public async Task A_run_killed_mid_pull_leaves_no_record_without_its_whole_blob_and_the_rerun_restores_the_rest()
    {
        var address = new Uri(_remote.Root).AbsoluteUri;
        using (var pipeline = Pipeline.Open(_a.Workspace, new PipelineOptions { Remote = RemoteCacheAddress.Open(address) }))
        {
            foreach (var stage in new SyntheticStages(_a.Workspace).All)
            {
                await pipeline.RunAsync(stage, Ct);
            }
        }

        var held = ContentHash.Of(File.ReadAllBytes(_a.PathOf("out/item00003.txt")));
        var blob = Path.Combine(_remote.Root, "cas", held.ToString());
        var bytes = await File.ReadAllBytesAsync(blob, Ct);
        File.Delete(blob);
        await ExternalTool.RunAsync("mkfifo", [blob], Ct);
        var halfSent = new TaskCompletionSource();
        var killed = new TaskCompletionSource();
        var feeding = Task.Run(
            async () =>
            {
                // Opening a pipe to write waits for its reader: the child's pull.
                await using var writer = new FileStream(blob, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
                await writer.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), Ct);
                await writer.FlushAsync(Ct);
                halfSent.SetResult();
                await killed.Task;
            },
            Ct);

        using (var child = StartSynthetic(_b.Root, "--remote", address, "--jobs", "2"))
        {
            var journal = _b.Workspace.JournalPath;
            var deadline = Stopwatch.StartNew();
            while (!halfSent.Task.IsCompleted || !File.Exists(journal) || File.ReadAllLines(journal).Length < Items - 1)
            {
                if (child.HasExited)
                {
                    Assert.Fail($"the child ended before it could be killed: {await child.StandardError.ReadToEndAsync(Ct)}");
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the child never got to pull every other blob");
                await Task.Delay(20, Ct);
            }

            child.Kill();
            await child.WaitForExitAsync(Ct);
        }

        killed.SetResult();
        await feeding;

        var store = new ContentStore(_b.Workspace.StoreDirectory);
        Assert.False(store.Contains(held), "the blob whose pull was cut is in the store under its name");
        foreach (var file in Directory.EnumerateFiles(store.Root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)))
        {
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(file)) + Path.GetFileName(file), FileHasher.Hash(file, Ct).ToString());
        }

        using (var reader = Pipeline.OpenForReading(_b.Workspace))
        {
            var journaled = reader.SucceededItems("Transform");
            Assert.Equal(Items - 1, journaled.Count);
            Assert.DoesNotContain(journaled, i => i.Key == "item00003");
            Assert.All(journaled.SelectMany(i => i.Value.Outputs.Values), h => AssertWhole(store, h));
        }

        var cached = Directory.EnumerateFiles(_b.Workspace.RunCacheDirectory, "*.json", SearchOption.AllDirectories).ToList();
        Assert.Equal(Items - 1, cached.Count);
        foreach (var entry in cached)
        {
            var outputs = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllBytesAsync(entry, Ct))!;
            Assert.All(outputs.Values, h => AssertWhole(store, h));
        }

        File.Delete(blob);
        await File.WriteAllBytesAsync(blob, bytes, Ct);
        var stages = new SyntheticStages(_b.Workspace);
        using (var pipeline = Pipeline.Open(_b.Workspace, new PipelineOptions { Remote = RemoteCacheAddress.Open(address) }))
        {
            var transform = await pipeline.RunAsync(stages.Transform, Ct);
            Assert.Equal((Items - 1, 1, 0), (transform.Fresh, transform.Restored, transform.Ran));
            await pipeline.RunAsync(stages.Summarize, Ct);
        }

        Assert.Equal(0, stages.TransformRuns + stages.SummarizeRuns);
        Assert.Equal(_a.Snapshot("out"), _b.Snapshot("out"));
        Assert.Equal(File.ReadAllText(_a.Workspace.LockFilePath), File.ReadAllText(_b.Workspace.LockFilePath));
    }

    private static void AssertWhole(ContentStore store, string hash) =>
        Assert.True(store.Contains(ContentHash.Parse(hash)) && FileHasher.Hash(store.PathOf(ContentHash.Parse(hash)), Ct).ToString() == hash, $"a record names {hash}, which is not whole in the store");

    private static Process StartSynthetic(string workspace, params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["exec", Path.Combine(AppContext.BaseDirectory, "Sonique.Engine.SyntheticPipeline.dll"), "--workspace", workspace, .. extra])
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}
