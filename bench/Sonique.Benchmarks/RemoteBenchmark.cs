using System.Diagnostics;
using System.Security.Cryptography;
using Sonique.Engine;
using Sonique.Engine.Hashing;
using Sonique.Remote;
using Sonique.Tests.Shared.Servers;
using static System.FormattableString;

namespace Sonique.Benchmarks;

/// <summary>
/// A restore from the remote cache against <c>curl</c> on the same server in the same run: machine A computes a stage of
/// 16 MiB outputs and pushes them to nginx (WebDAV, Bazel's paths); machine B, a fresh workspace with an empty local
/// cache, restores them all through the engine (record, then each blob streamed into the store and verified, then put in
/// place). curl fetches the same objects from the same server with as many transfers at once as the engine's
/// <c>cache.transfers</c>. Alternated, median of 3, with the steps of a restore timed one by one beside them.
/// </summary>
internal static class RemoteBenchmark
{
    private const int ItemBytes = 16 << 20;
    private const int Runs = 3;

    /// <summary>The engine's default <c>cache.transfers</c>.</summary>
    private static readonly int Transfers = new PipelineOptions().RemoteTransfers;

    public static async Task<string> RunAsync(string scratch, int items, int jobs, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratch);
        await using var server = await NginxCacheServer.StartAsync(Path.Combine(scratch, "nginx"), cancellationToken);
        var address = $"{server.Endpoint}/bench";
        var origin = NewWorkspace(scratch, "a", items);
        Progress.Say(Invariant($"remote: computing and pushing {items} x 16 MiB to nginx"));
        var push = await RunStageAsync(origin, address, jobs, cancellationToken);
        if (push.Report.Ran != items)
        {
            throw new InvalidOperationException($"machine A ran {push.Report.Ran} of {items} items");
        }

        var hashes = Directory.EnumerateFiles(origin.Resolve("out")).Select(f => FileHasher.Hash(f)).ToList();
        var engine = new List<TimeSpan>();
        var local = new List<TimeSpan>();
        var curl = new List<TimeSpan>();
        var phases = new List<IReadOnlyList<(string Step, TimeSpan Time)>>();
        for (var run = 0; run < Runs; run++)
        {
            curl.Add(Curl(scratch, address, hashes, Transfers));
            var fresh = NewWorkspace(scratch, "b", items);
            var pull = await RunStageAsync(fresh, address, jobs, cancellationToken);
            if (pull.Report.Restored != items || pull.Report.Ran != 0)
            {
                throw new InvalidOperationException($"machine B restored {pull.Report.Restored} and ran {pull.Report.Ran} of {items} items");
            }

            var restored = Directory.EnumerateFiles(fresh.Resolve("out")).Select(f => FileHasher.Hash(f).ToString()).Order(StringComparer.Ordinal);
            if (!restored.SequenceEqual(hashes.Select(h => h.ToString()).Order(StringComparer.Ordinal)))
            {
                throw new InvalidOperationException("machine B's outputs differ from machine A's");
            }

            engine.Add(pull.Elapsed);
            // The same restore with the blobs in the local store already: the part of the above that is not the transfer.
            Directory.Delete(fresh.Resolve("out"), recursive: true);
            var again = await RunStageAsync(fresh, address, jobs, cancellationToken);
            if (again.Report.Restored != items)
            {
                throw new InvalidOperationException($"machine B restored {again.Report.Restored} of {items} items from its own store");
            }

            local.Add(again.Elapsed);
            Directory.Delete(fresh.Root, recursive: true);
            using (var remote = (HttpRemoteCache)RemoteCacheAddress.Open(address))
            {
                phases.Add(await RemotePhases.MeasureAsync(remote, hashes, Transfers, scratch, cancellationToken));
            }

            Progress.Say(Invariant($"remote: run {run + 1}: curl {curl[^1].TotalSeconds:F2} s, engine restore {pull.Elapsed.TotalSeconds:F2} s, of which local {again.Elapsed.TotalSeconds:F2} s; steps {string.Join(", ", phases[^1].Select(p => $"{p.Time.TotalSeconds:F2}"))} s"));
        }

        double bytes = (double)items * ItemBytes;
        var engineTime = Timing.Median(engine);
        var curlTime = Timing.Median(curl);
        var localTime = Timing.Median(local);
        var transferTime = engineTime - localTime;
        var ratio = curlTime / engineTime;
        var steps = phases[0].Select((step, i) => (step.Step, Time: Timing.Median(phases.Select(p => p[i].Time)))).ToList();
        return Invariant($"""
            ## Restore from the remote cache

            {items} outputs of 16 MiB ({bytes / (1 << 30):F2} GiB), pushed by machine A to nginx (WebDAV, Bazel's `/cas/`
            and `/ac/` paths) on loopback, then restored by machine B, a fresh workspace with an empty local cache, with
            {jobs} item(s) run at once and {Transfers} transfers (`cache.transfers`, its default): for each item, its run
            cache record, then its blob streamed into `cache/store/`, verified against its hash as it streams and flushed to
            disk, then linked into the workspace. `curl` fetches the same {items} objects from the same server to files,
            {Transfers} at once (`--parallel --parallel-max {Transfers}`). Alternated, median of {Runs}.

            {Markdown.Table(
                ["", "seconds", "MB/s", "share of curl's rate", "goal"],
                [
                    ["curl", Markdown.Seconds(curlTime), Markdown.Number(bytes / (1 << 20) / curlTime.TotalSeconds, "F0"), "1.00", ""],
                    ["engine restore", Markdown.Seconds(engineTime), Markdown.Number(bytes / (1 << 20) / engineTime.TotalSeconds, "F0"), Markdown.Number(ratio, "F2"), $"0.80: {Markdown.YesNo(ratio >= 0.8)}"],
                    ["of which: the same restore from the local store", Markdown.Seconds(localTime), Markdown.Number(bytes / (1 << 20) / localTime.TotalSeconds, "F0"), "", ""],
                    ["of which: the transfer into the store (the difference)", Markdown.Seconds(transferTime), Markdown.Number(bytes / (1 << 20) / transferTime.TotalSeconds, "F0"), Markdown.Number(curlTime / transferTime, "F2"), ""],
                ])}
            Pushing the {items} outputs (machine A: compute, store, HEAD, PUT, then the records): {push.Elapsed.TotalSeconds:F2} s.

            Where a restore's time goes: each step timed alone over the same {items} objects, {Transfers} at once (the
            first four cumulative: each adds one step to the one above it), median of {Runs}:

            {Markdown.Table(
                ["step", "seconds", "share of curl's time"],
                steps.Select(s => (IReadOnlyList<string>)[s.Step, Markdown.Seconds(s.Time), Markdown.Number(s.Time / curlTime, "F2")]))}
            """);
    }

    private static Workspace NewWorkspace(string scratch, string name, int items)
    {
        var root = Path.Combine(scratch, name);
        Directory.CreateDirectory(Path.Combine(root, "inputs"));
        for (var i = 0; i < items; i++)
        {
            File.WriteAllText(Path.Combine(root, "inputs", Invariant($"blob{i:D4}.seed")), Invariant($"{i}"));
        }

        return new Workspace(root);
    }

    /// <summary>One stage of <c>items</c> items, each writing 16 MiB of bytes seeded by its input.</summary>
    private static async Task<(StageReport Report, TimeSpan Elapsed)> RunStageAsync(Workspace workspace, string address, int jobs, CancellationToken cancellationToken)
    {
        var stage = new ItemStage("Blobs", 1)
        {
            Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>(
                Directory.EnumerateFiles(workspace.Resolve("inputs")).Order(StringComparer.Ordinal)
                    .Select(f => Path.GetFileNameWithoutExtension(f))
                    .Select(k => new StageItem(k, [$"inputs/{k}.seed"], [$"out/{k}.bin"])).ToList()),
            Run = async (run, ct) =>
            {
                var seed = int.Parse(await File.ReadAllTextAsync(run.Input(0), ct), System.Globalization.CultureInfo.InvariantCulture);
                var bytes = new byte[ItemBytes];
                new Random(seed).NextBytes(bytes);
                await File.WriteAllBytesAsync(run.Output(0), bytes, ct);
            },
        };
        using var remote = (HttpRemoteCache)RemoteCacheAddress.Open(address);
        var clock = Stopwatch.StartNew();
        using var pipeline = Pipeline.Open(workspace, new PipelineOptions { Jobs = jobs, Remote = remote, RemoteTransfers = Transfers });
        var report = await pipeline.RunAsync(stage, cancellationToken);
        return (report, clock.Elapsed);
    }

    private static TimeSpan Curl(string scratch, string address, List<ContentHash> hashes, int transfers)
    {
        var folder = Path.Combine(scratch, "curl");
        Directory.CreateDirectory(folder);
        List<string> arguments = ["--silent", "--show-error", "--fail", "--parallel", "--parallel-max", Invariant($"{transfers}")];
        foreach (var hash in hashes)
        {
            arguments.AddRange(["-o", Path.Combine(folder, hash.ToString()), $"{address}/cas/{hash}"]);
        }

        var clock = Stopwatch.StartNew();
        Tool.Run("curl", arguments);
        var elapsed = clock.Elapsed;
        if (Directory.GetFiles(folder).Length != hashes.Count || Directory.EnumerateFiles(folder).Any(f => FileHasher.Hash(f).ToString() != Path.GetFileName(f)))
        {
            throw new InvalidOperationException("curl did not fetch every object whole");
        }

        Directory.Delete(folder, recursive: true);
        return elapsed;
    }
}
