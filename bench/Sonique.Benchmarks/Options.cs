namespace Sonique.Benchmarks;

internal sealed record Options(int HashFiles, int Items, string? OutFile, string Suite = "engine")
{
    public bool Quick => HashFiles < 64;

    /// <summary>--suite picks the engine's benchmark (default) or Download's; --quick hashes 256 MiB instead of 1 GiB; the workspace keeps its 3,000 items, since the
    /// no-op target is stated for that size.</summary>
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
                case "--suite" when i + 1 < args.Length && args[i + 1] is "engine" or "download" or "analysis" or "llm" or "training" or "remote":
                    options = options with { Suite = args[++i] };
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
