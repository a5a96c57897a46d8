using System.Globalization;

namespace Sonique.Benchmarks;

internal sealed record Options(int HashFiles, int Items, string? OutFile, string Suite = "engine", string? Workspaces = null)
{
    /// <summary>The peft-gpu suite's bundle folder (--bundle; default gpu/bundle under the current folder).</summary>
    public string Bundle { get; init; } = Path.GetFullPath(Path.Combine("gpu", "bundle"));

    /// <summary>The peft-gpu suite's returned folder (--returned): check it instead of writing the bundle.</summary>
    public string? Returned { get; init; }

    public bool Quick => HashFiles < 64;

    /// <summary>The sizes the lock suite measures: <c>--items N</c> alone, else 3,000, 30,000 and 300,000.</summary>
    public IReadOnlyList<int> LockCounts => ItemsGiven ? [Items] : LockBenchmark.Counts;

    public bool ItemsGiven { get; private init; }

    /// <summary>The slurm suite's items per array task, one cluster run each: <c>--per-task 50,250</c>; 50 and 1 by default.</summary>
    public IReadOnlyList<int> PerTask { get; private init; } = [50, 1];

    /// <summary>--suite picks the engine's benchmark (default), the lock file's at scale (lock), or Download's, ...;
    /// --quick hashes 256 MiB instead of 1 GiB; --items N sets the synthetic pipeline's size (3,000 for the engine suite,
    /// since the no-op target is stated for that size; for the lock suite, one size instead of three); --workspaces DIR
    /// keeps the lock suite's workspaces there and reuses those already built.</summary>
    public static bool TryParse(string[] args, out Options options)
    {
        var quick = false;
        string? outFile = null;
        options = new Options(64, 3000, null);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--suite" when i + 1 < args.Length && args[i + 1] is "engine" or "lock" or "download" or "analysis" or "accuracy" or "llm" or "training" or "store" or "remote" or "slurm" or "vlm" or "peft-gpu":
                    options = options with { Suite = args[++i] };
                    break;
                case "--items" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var items) && items > 0:
                    options = options with { Items = items, ItemsGiven = true };
                    i++;
                    break;
                case "--per-task" when i + 1 < args.Length && args[i + 1].Split(',').All(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0):
                    options = options with { PerTask = args[++i].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList() };
                    break;
                case "--workspaces" when i + 1 < args.Length:
                    options = options with { Workspaces = Path.GetFullPath(args[++i]) };
                    break;
                case "--bundle" when i + 1 < args.Length:
                    options = options with { Bundle = Path.GetFullPath(args[++i]) };
                    break;
                case "--returned" when i + 1 < args.Length:
                    options = options with { Returned = Path.GetFullPath(args[++i]) };
                    break;
                case "--out" when i + 1 < args.Length:
                    outFile = Path.GetFullPath(args[++i]);
                    break;
                default:
                    return false;
            }
        }

        options = options with { HashFiles = quick ? 16 : 64, OutFile = outFile };
        return true;
    }
}
