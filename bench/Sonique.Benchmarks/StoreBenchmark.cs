using System.Diagnostics;
using System.Globalization;
using Sonique.Engine;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// One copy on disk: a per-item stage writing outputs of realistic size (a clip's worth, 1 MiB each), run under each
/// <c>cache.type</c> in a fresh workspace of its own. Measured: the bytes of the artifacts and of the artifacts plus the
/// store on disk, each file counted once by (device, inode) as <c>find</c> reports them, so a hard link is one file;
/// and what the file system itself says it holds more after the runs (df; the one count that sees a reflink's shared
/// blocks). The times: to run and publish every item, to restore them all from the store, and a no-op rerun.
/// </summary>
internal static class StoreBenchmark
{
    private const int ItemBytes = 1 << 20;
    private const int Repeats = 5;
    private const double Goal = 1.05;

    public static async Task<string> RunAsync(string scratch, int items, CancellationToken cancellationToken)
    {
        var results = new List<Result>();
        foreach (var type in new[] { CacheLinkType.Copy, CacheLinkType.Hardlink, CacheLinkType.Reflink, CacheLinkType.Auto })
        {
            var root = Path.Combine(scratch, type.ToString().ToLowerInvariant());
            WriteInputs(root, items);
            try
            {
                results.Add(await MeasureAsync(root, items, type, cancellationToken));
            }
            catch (NotSupportedException e)
            {
                Progress.Say($"{type}: {e.Message}");
                results.Add(new Result(type, null, 0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero));
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }

        var rows = results.Select(r => r.Used is null
            ? (IReadOnlyList<string>)[Name(r.Requested), "the file system cannot", "", "", "", "", "", "", "", "", ""]
            : [
                Name(r.Requested),
                Name(r.Used.Value),
                Number(r.ArtifactBytes / 1048576.0, "F1"),
                Number(r.OnDiskBytes / 1048576.0, "F1"),
                Number(r.Ratio, "F3") + "x",
                r.Used is CacheLinkType.Copy ? "reference" : YesNo(r.GoalRatio <= Goal),
                Number(r.AllocatedRatio, "F3") + "x",
                Number(r.FileSystemRatio, "F3") + "x",
                Seconds(r.Publish),
                Seconds(r.Restore),
                Seconds(r.NoOp),
            ]);
        return Invariant($"### One copy on disk: {items} items of 1 MiB, per `cache.type` (jobs 2; times are medians of {Repeats})\n\n")
            + Table(
                ["cache.type", "used", "artifacts MiB", "store + artifacts MiB", "ratio", $"≤ {Goal:F2}x", "ratio, allocated blocks", "ratio, df", "run and publish all, s", "restore all, s", "no-op, s"],
                rows)
            + "\n";
    }

    private static string Name(CacheLinkType type) => type.ToString().ToLowerInvariant();

    private static async Task<Result> MeasureAsync(string root, int items, CacheLinkType type, CancellationToken cancellationToken)
    {
        var workspace = new Workspace(root);
        var clips = Clips(workspace);
        var options = new PipelineOptions { Jobs = 2, CacheType = type };
        var forced = new PipelineOptions { Jobs = 2, CacheType = type, ForceAll = true };
        var usedBefore = UsedOnFileSystem(root);
        Progress.Say($"{Name(type)}: running and publishing {items} items, {Repeats} times (then forced)");
        var publish = new List<TimeSpan>();
        for (var i = 0; i < Repeats; i++)
        {
            publish.Add(await TimeRunAsync(workspace, clips, i == 0 ? options : forced, r => r.Ran == items, cancellationToken));
        }

        CacheLinkType used;
        using (var pipeline = Pipeline.Open(workspace, options))
        {
            used = pipeline.LinkType;
        }

        var (artifacts, artifactsAllocated) = OnDisk(root, "artifacts");
        var (onDisk, allocated) = OnDisk(root, "artifacts", Path.Combine("cache", "store"));
        var added = UsedOnFileSystem(root) - usedBefore;
        Progress.Say($"{Name(type)}: restoring all {items} from the store, {Repeats} times");
        var restore = new List<TimeSpan>();
        for (var i = 0; i < Repeats; i++)
        {
            Directory.Delete(Path.Combine(root, "artifacts"), recursive: true);
            restore.Add(await TimeRunAsync(workspace, clips, options, r => r.Restored == items, cancellationToken));
        }

        var noOp = await TimeRunAsync(workspace, clips, options, r => r.Fresh == items, cancellationToken);
        return new Result(type, used, artifacts, onDisk, allocated / (double)artifactsAllocated, added / (double)artifacts, Timing.Median(publish), Timing.Median(restore), noOp);
    }

    private static async Task<TimeSpan> TimeRunAsync(Workspace workspace, ItemStage clips, PipelineOptions options, Func<StageReport, bool> expected, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using (var pipeline = Pipeline.Open(workspace, options))
        {
            var report = await pipeline.RunAsync(clips, cancellationToken);
            if (!expected(report))
            {
                throw new InvalidOperationException(Invariant($"Unexpected run: {report.Items} items, {report.Fresh} fresh, {report.Ran} ran, {report.Restored} restored, {report.Failed} failed."));
            }
        }

        return clock.Elapsed;
    }

    /// <summary>A stand-in for a clip stage: reads its 1 MiB input, writes a 1 MiB output that differs from it.</summary>
    private static ItemStage Clips(Workspace workspace) => new("Clips", 1)
    {
        Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>(
            Directory.EnumerateFiles(workspace.Resolve("inputs")).Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)
                .Select(key => new StageItem(key!, [$"inputs/{key}.bin"], [$"artifacts/{key}.bin"])).ToList()),
        Run = async (run, ct) =>
        {
            var bytes = await File.ReadAllBytesAsync(run.Input(0), ct);
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= 0x5a;
            }

            await File.WriteAllBytesAsync(run.Output(0), bytes, ct);
        },
    };

    private static void WriteInputs(string root, int items)
    {
        Directory.CreateDirectory(Path.Combine(root, "inputs"));
        var random = new Random(16);
        var bytes = new byte[ItemBytes];
        for (var i = 0; i < items; i++)
        {
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(root, "inputs", string.Create(CultureInfo.InvariantCulture, $"clip{i:D5}.bin")), bytes);
        }
    }

    /// <summary>Bytes and allocated bytes under the folders, each file once by (device, inode), as find sees them.</summary>
    private static (long Bytes, long Allocated) OnDisk(string root, params string[] folders)
    {
        var files = Tool.Run("find", [.. folders.Select(f => Path.Combine(root, f)), "-type", "f", "-printf", "%D %i %s %b\\n"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .DistinctBy(f => (f[0], f[1]))
            .ToList();
        return (files.Sum(f => long.Parse(f[2], CultureInfo.InvariantCulture)), files.Sum(f => long.Parse(f[3], CultureInfo.InvariantCulture) * 512));
    }

    /// <summary>What the file system says it has in use (df, after sync): the one count that sees a reflink's shared
    /// blocks as shared, and also whatever else writes to the same file system meanwhile.</summary>
    private static long UsedOnFileSystem(string root)
    {
        Tool.Run("sync", []);
        return long.Parse(Tool.Run("df", ["-B1", "--output=used", root]).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), CultureInfo.InvariantCulture);
    }

    private sealed record Result(CacheLinkType Requested, CacheLinkType? Used, long ArtifactBytes, long OnDiskBytes, double AllocatedRatio, double FileSystemRatio, TimeSpan Publish, TimeSpan Restore, TimeSpan NoOp)
    {
        public double Ratio => OnDiskBytes / (double)ArtifactBytes;

        /// <summary>Counting files by inode sees a hard link, not a reflink's shared blocks, which only the file system sees.</summary>
        public double GoalRatio => Used == CacheLinkType.Reflink ? FileSystemRatio : Ratio;
    }
}
