using System.Diagnostics;
using System.Globalization;
using Sonique.Engine;
using Sonique.Engine.Hashing;
using Sonique.Engine.SyntheticPipeline;

namespace Sonique.Benchmarks;

/// <summary>One step of a no-op run: its time the first time in a fresh process (what a user waits for),
/// the part of that spent compiling code, and its time when repeated in the same process (the work itself).</summary>
internal sealed record Phase(string Group, string Name, double ColdMs, double ColdJitMs, double WarmMs);

/// <summary>
/// Where a no-op run's time goes. Each group runs in fresh child processes of this benchmark (so that the
/// first round pays for loading and compiling code, as a real run does), then again in the same process.
/// Only the engine's public API is timed, so the engine needs no instrumentation.
/// </summary>
internal static class NoOpPhases
{
    public const string ChildFlag = "--phases-child";
    public const string PipelineGroup = "pipeline";
    private const string PartsGroup = "parts";
    private const int Jobs = 2; // the synthetic pipeline's default, so the phases add up to its no-op run
    private const int Processes = 3;
    private const int WarmRounds = 3;

    /// <param name="processes">Fresh processes per group (the cold figures are their median): fewer for a workspace
    /// so large that each no-op takes many seconds.</param>
    public static IReadOnlyList<Phase> Measure(string root, int processes = Processes)
    {
        Progress.Say($"timing the phases of a no-op run, in {processes} fresh process{(processes == 1 ? "" : "es")}");
        return [.. MeasureGroup(PipelineGroup, root, processes), .. MeasureGroup(PartsGroup, root, processes)];
    }

    /// <summary>The child side: runs one group a few times and prints "round, name, ms, JIT ms" lines.</summary>
    public static async Task RunChildAsync(string group, string root)
    {
        for (var round = 0; round <= WarmRounds; round++)
        {
            var steps = group == PipelineGroup ? PipelineSteps(root) : PartsSteps(root);
            foreach (var (name, step) in steps)
            {
                var (ms, jitMs) = await TimeStepAsync(step);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{round}\t{name}\t{ms:F1}\t{jitMs:F1}"));
            }
        }
    }

    /// <summary>Medians over a few processes: cold of each process's first round, warm of all later rounds.</summary>
    private static List<Phase> MeasureGroup(string group, string root, int processes)
    {
        var samples = Enumerable.Range(0, processes)
            .SelectMany(_ => Tool.RunDotnet("Sonique.Benchmarks.dll", [ChildFlag, group, root]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(line => line.Split('\t'))
            .Select(f => (Cold: f[0] == "0", Name: f[1], Ms: double.Parse(f[2], CultureInfo.InvariantCulture), JitMs: double.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();
        var names = samples.Select(s => s.Name).Distinct(StringComparer.Ordinal);
        return names.Select(name =>
        {
            var cold = samples.Where(s => s.Cold && s.Name == name).ToList();
            var warm = samples.Where(s => !s.Cold && s.Name == name);
            return new Phase(group, name, Timing.Median(cold.Select(s => s.Ms)), Timing.Median(cold.Select(s => s.JitMs)), Timing.Median(warm.Select(s => s.Ms)));
        }).ToList();
    }

    /// <summary>The steps of the synthetic pipeline's own no-op run, in its order.</summary>
    private static IEnumerable<(string Name, Func<Task> Step)> PipelineSteps(string root)
    {
        var workspace = new Workspace(root);
        var stages = new SyntheticStages(workspace);
        Pipeline? pipeline = null;
        yield return ("Pipeline.Open: run lock, lock file, hash cache", () =>
        {
            pipeline = Pipeline.Open(workspace, new PipelineOptions { Jobs = Jobs });
            return Task.CompletedTask;
        }
        );
        yield return ("Transform: list, stat and fingerprint every item, commit", () => ExpectNoOpAsync(pipeline!, stages.Transform));
        yield return ("Summarize: list and stat out/, fingerprint", () => ExpectNoOpAsync(pipeline!, stages.Summarize));
        yield return ("Pipeline.Dispose: flush the lock file", () =>
        {
            pipeline!.Dispose();
            return Task.CompletedTask;
        }
        );
    }

    /// <summary>Parts of the above, timed on their own through the engine's public types.</summary>
    private static IEnumerable<(string Name, Func<Task> Step)> PartsSteps(string root)
    {
        var workspace = new Workspace(root);
        var files = Directory.GetFiles(workspace.Resolve("inputs")).Concat(Directory.GetFiles(workspace.Resolve("out"))).ToList();
        var store = new ContentStore(workspace.StoreDirectory);
        var stages = new SyntheticStages(workspace).All.Select(s => s.Name).ToList();
        LockFile? lockFile = null;
        FileHashCache? hashes = null;
        yield return ("LockFile.Open: read and parse the lock file", () =>
        {
            lockFile = LockFile.Open(workspace.LockFilePath, workspace.JournalPath, store);
            return Task.CompletedTask;
        }
        );
        var manifestMegabytes = LockFile.OpenForReading(workspace.LockFilePath, workspace.JournalPath, store).Manifests.Sum(m => new FileInfo(store.PathOf(m)).Length) / 1e6;
        yield return (string.Create(CultureInfo.InvariantCulture, $"LockFile: read and decode the manifests ({manifestMegabytes:F1} MB)"), () =>
        {
            // The first look at a stage's records reads its manifest.
            stages.ForEach(s => lockFile!.Item(s, "item00000"));
            return Task.CompletedTask;
        }
        );
        yield return ("LockFile.Flush with nothing changed", () =>
        {
            lockFile!.Flush();
            lockFile.Dispose();
            return Task.CompletedTask;
        }
        );
        yield return ("FileHashCache.Load", () =>
        {
            hashes = FileHashCache.Load(workspace.HashCachePath);
            return Task.CompletedTask;
        }
        );
        yield return ($"FileHashCache.TryHash of {files.Count} inputs and outputs, 1 thread (one stat each)", () =>
        {
            files.ForEach(f => hashes!.TryHash(f));
            return hashes!.FilesHashed == 0 ? Task.CompletedTask : throw new InvalidOperationException($"{hashes.FilesHashed} files missed the hash cache.");
        }
        );
    }

    private static async Task ExpectNoOpAsync(Pipeline pipeline, StageDefinition stage)
    {
        var report = await pipeline.RunAsync(stage, CancellationToken.None);
        if (report.Ran + report.Restored + report.Failed != 0)
        {
            throw new InvalidOperationException($"{stage.Name} was not a no-op: ran {report.Ran}, restored {report.Restored}, failed {report.Failed}.");
        }
    }

    /// <summary>Wall time and JIT time (on all threads, so background recompilation counts too) of one step.</summary>
    private static async Task<(double Ms, double JitMs)> TimeStepAsync(Func<Task> step)
    {
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var clock = Stopwatch.StartNew();
        await step();
        return (clock.Elapsed.TotalMilliseconds, (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds);
    }
}
