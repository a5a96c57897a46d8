using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>The results as Markdown, ready to paste into bench/RESULTS.md.</summary>
internal static class Report
{
    public static readonly TimeSpan NoOpTarget = TimeSpan.FromSeconds(0.5);
    public const double HashingTarget = 2.0;

    public static string Render(string machine, HashingResult hashing, RerunResult reruns) => string.Join(
        "\n\n",
        Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"),
        Targets(hashing, reruns),
        Hashing(hashing),
        Reruns(reruns),
        InputHashing(reruns),
        Phases(reruns.Phases, "")) + "\n";

    private static string Targets(HashingResult hashing, RerunResult reruns)
    {
        var noOp = reruns.BeyondStart(reruns.NoOp);
        var oneThread = hashing.TimesMd5(hashing.OursOneThread);
        return "### Targets\n\n" + Table(
            ["measure", "value", "target", "met"],
            [
                ["no-op rerun of " + reruns.Items + " items, beyond the host's start", Seconds(noOp) + " s", "≤ " + Seconds(NoOpTarget) + " s", YesNo(noOp <= NoOpTarget)],
                ["hashing, 1 thread, x md5sum", Number(oneThread, "F1") + "x", Invariant($"≥ {HashingTarget:F0}x"), YesNo(oneThread >= HashingTarget)],
                [Invariant($"hashing, {Environment.ProcessorCount} threads, x md5sum"), Number(hashing.TimesMd5(hashing.OursParallel), "F1") + "x", "", ""],
                [Invariant($"no-op beyond start / hashing all {reruns.InputFiles} inputs in-process (1 thread)"), Number(noOp / reruns.HashInputsOneThread, "F1") + "x", "", "lower is better"],
                ["no-op beyond start / rerun with the hash cache deleted, beyond start", Number(noOp / reruns.BeyondStart(reruns.Cold), "F2"), "", "what the hash cache saves"],
            ]);
    }

    private static string Hashing(HashingResult result)
    {
        string[] Row(string name, TimeSpan time) =>
            [name, Seconds(time), Number(result.MegabytesPerSecond(time), "F0"), Number(result.TimesMd5(time), "F2")];
        return Invariant($"### Hashing {result.Files} files x {result.FileMiB} MiB ({result.Megabytes:F0} MB, page cache warm, best of 3)\n\n") + Table(
            ["hasher", "seconds", "MB/s", "x md5sum"],
            [
                Row("md5sum (one process, all files)", result.Md5),
                Row("sha256sum (one process, all files)", result.Sha256),
                Row("Sonique FileHasher.Hash (XXH128), 1 thread", result.OursOneThread),
                Row(Invariant($"Sonique FileHasher.Hash (XXH128), {Environment.ProcessorCount} threads"), result.OursParallel),
            ]);
    }

    private static string Reruns(RerunResult result)
    {
        string[] Row(string name, RunTimes times, string check) =>
            [name, Seconds(times.Wall), Seconds(result.BeyondStart(times)), Milliseconds(times.EngineMs), check];
        return Invariant($"### Synthetic pipeline, {result.Items} items of two input files each (child process, median of 5 unless noted)\n\n") + Table(
            ["run", "seconds", "beyond the host's start", "engine-ms (child's own)", "checked"],
            [
                ["host start only (`--start-only`)", Seconds(result.Start), "0.000", "", "the reference"],
                Row("no-op rerun", result.NoOp, "both stages ran=0, hashed=0"),
                Row("rerun with cache/hashes.bin deleted (median of 3)", result.Cold, Invariant($"both stages ran=0, hashed={result.ColdHashed}")),
                Row(Invariant($"one item added ({result.Items + 1} items; 1 run)"), result.Added, "Transform ran=1, Summarize ran=1"),
            ]);
    }

    private static string InputHashing(RerunResult result) =>
        Invariant($"### Hashing the {result.InputFiles} input files in-process with FileHasher.Hash, no cache (median of 5)\n\n") + Table(
            ["threads", "seconds"],
            [
                ["1", Seconds(result.HashInputsOneThread)],
                [Invariant($"{Environment.ProcessorCount}"), Seconds(result.HashInputsParallel)],
            ]);

    public static string Phases(IReadOnlyList<Phase> phases, string where)
    {
        string[] Row(Phase p) => [p.Name, Milliseconds(p.ColdMs), Milliseconds(p.ColdJitMs), Milliseconds(p.WarmMs)];
        var pipeline = phases.Where(p => p.Group == NoOpPhases.PipelineGroup).ToList();
        var total = new Phase(NoOpPhases.PipelineGroup, "**sum of the above**", pipeline.Sum(p => p.ColdMs), pipeline.Sum(p => p.ColdJitMs), pipeline.Sum(p => p.WarmMs));
        return $"### Where a no-op run's time goes{where} (ms, medians; cold: first time in a fresh process, median of the processes; warm: repeated in the same process)\n\n" + Table(
            ["phase", "cold", "of which JIT", "warm"],
            [.. pipeline.Select(Row), Row(total), .. phases.Where(p => p.Group != NoOpPhases.PipelineGroup).Select(Row)]);
    }
}
