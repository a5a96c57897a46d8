using System.Globalization;
using System.Text.Json;
using Sonique.Engine;
using Sonique.Engine.SyntheticPipeline;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>What the lock file and a no-op rerun cost at one size of the synthetic pipeline.</summary>
internal sealed record LockResult(
    int Items,
    int Stages,
    long LockBytes,
    long LargestStageBytes,
    long ManifestBytes,
    TimeSpan Start,
    RunTimes NoOp,
    double PeakMegabytes,
    IReadOnlyList<Phase> Phases)
{
    public TimeSpan NoOpBeyondStart => NoOp.Wall - Start;
}

/// <summary>
/// The lock file at scale: the synthetic pipeline built once at each size (3,000, 30,000 and 300,000 items, two small
/// input files each), then timed doing nothing, with the size of its lock file and manifests and the child's peak memory.
/// </summary>
internal static class LockBenchmark
{
    public static readonly int[] Counts = [3_000, 30_000, 300_000];
    public const int LockBytesPerStageTarget = 10_000;
    public const int NoOpTargetItems = 300_000;
    public static readonly TimeSpan NoOpTarget = TimeSpan.FromSeconds(3);

    /// <param name="keep">Keep each workspace under <paramref name="folder"/> and reuse one already built there: the
    /// first build of 300,000 items takes most of an hour on a small machine.</param>
    public static List<LockResult> Run(string folder, IReadOnlyList<int> counts, bool keep)
    {
        var results = new List<LockResult>();
        foreach (var items in counts)
        {
            var root = Path.Combine(folder, Invariant($"items-{items}"));
            try
            {
                if (!keep || !File.Exists(Path.Combine(root, "sonique.lock")))
                {
                    Build(root, items);
                }

                results.Add(Measure(root, items));
            }
            finally
            {
                if (!keep && Directory.Exists(root))
                {
                    Progress.Say($"removing the {items}-item workspace");
                    Directory.Delete(root, recursive: true);
                }
            }
        }

        return results;
    }

    private static void Build(string root, int items)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Progress.Say($"writing {items} items ({2 * items} input files) and building them once (slow: every output is written durably)");
        SyntheticStages.WriteInputs(root, items);
        SyntheticChild.Run(root, "--jobs", "4")
            .ExpectStage("Transform", items, fresh: 0, ran: items)
            .ExpectStage("Summarize", 1, fresh: 0, ran: 1);
    }

    private static LockResult Measure(string root, int items)
    {
        var (start, noOps) = RerunBenchmark.MeasureStartAndNoOp(root, items);
        var lockPath = Path.Combine(root, "sonique.lock");
        var (stages, largestStage) = StageSizes(lockPath);
        var workspace = new Workspace(root);
        long manifestBytes;
        using (var reader = Pipeline.OpenForReading(workspace))
        {
            var store = new ContentStore(workspace.StoreDirectory);
            manifestBytes = reader.Manifests.Sum(m => new FileInfo(store.PathOf(m)).Length);
        }

        var phases = NoOpPhases.Measure(root, processes: items >= 100_000 ? 1 : 3);
        return new LockResult(
            items,
            stages,
            new FileInfo(lockPath).Length,
            largestStage,
            manifestBytes,
            start,
            RunTimes.Of(noOps),
            Timing.Median(noOps.Select(r => r.PeakMegabytes)),
            phases);
    }

    /// <summary>How many stages the lock file holds, and the largest one's entry as the lock file writes it.</summary>
    private static (int Stages, long LargestBytes) StageSizes(string lockPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(lockPath));
        var stages = document.RootElement.GetProperty("stages").EnumerateObject().ToList();
        var indented = new JsonSerializerOptions { WriteIndented = true };
        return (stages.Count, stages.Max(s => (long)JsonSerializer.Serialize(s.Value, indented).Length));
    }

    public static string Render(string machine, IReadOnlyList<LockResult> results)
    {
        var targets = "### Targets\n\n" + Table(
            ["measure", "value", "target", "met"],
            [
                .. results.Select(r => (IReadOnlyList<string>)[
                    Invariant($"largest stage entry in sonique.lock at {r.Items} items"),
                    Invariant($"{r.LargestStageBytes} bytes"),
                    Invariant($"< {LockBytesPerStageTarget} bytes"),
                    YesNo(r.LargestStageBytes < LockBytesPerStageTarget)]),
                .. results.Where(r => r.Items == NoOpTargetItems).Select(r => (IReadOnlyList<string>)[
                    Invariant($"no-op rerun of {r.Items} items, beyond the host's start"),
                    Seconds(r.NoOpBeyondStart) + " s",
                    "≤ " + Seconds(NoOpTarget) + " s",
                    YesNo(r.NoOpBeyondStart <= NoOpTarget)]),
            ]);
        var sizes = "### Lock file, manifests, no-op rerun and memory by size (child process, median of 5)\n\n" + Table(
            ["items", "sonique.lock (bytes)", "stages", "largest stage entry (bytes)", "manifests (bytes)", "host start (s)", "no-op (s)", "no-op beyond start (s)", "engine-ms", "peak working set (MB)"],
            results.Select(r => (IReadOnlyList<string>)[
                r.Items.ToString("N0", CultureInfo.InvariantCulture),
                r.LockBytes.ToString(CultureInfo.InvariantCulture),
                r.Stages.ToString(CultureInfo.InvariantCulture),
                r.LargestStageBytes.ToString(CultureInfo.InvariantCulture),
                r.ManifestBytes.ToString("N0", CultureInfo.InvariantCulture),
                Seconds(r.Start),
                Seconds(r.NoOp.Wall),
                Seconds(r.NoOpBeyondStart),
                Milliseconds(r.NoOp.EngineMs),
                Number(r.PeakMegabytes, "F0")]));
        return string.Join(
            "\n\n",
            [Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"), targets, sizes, .. results.Select(r => Report.Phases(r.Phases, Invariant($" at {r.Items} items")))]) + "\n";
    }
}
