using Sonique.Engine.Hashing;

namespace Sonique.Benchmarks;

internal sealed record HashingResult(int Files, int FileMiB, TimeSpan Md5, TimeSpan Sha256, TimeSpan OursOneThread, TimeSpan OursParallel)
{
    public double Megabytes => Files * FileMiB * 1.048576;

    public double MegabytesPerSecond(TimeSpan time) => Megabytes / time.TotalSeconds;

    /// <summary>How many times md5sum's throughput a time stands for.</summary>
    public double TimesMd5(TimeSpan time) => Md5 / time;
}

/// <summary>Our file hashing beside md5sum and sha256sum, on the same files, all read from the page cache.</summary>
internal static class HashingBenchmark
{
    private const int FileMiB = 16;
    private const int Runs = 3;
    private const int Seed = 42;

    public static HashingResult Run(string folder, int files)
    {
        var paths = WriteRandomFiles(folder, files);
        WarmAndVerify(paths);
        Progress.Say($"hashing {files} x {FileMiB} MiB: md5sum, sha256sum, ours on 1 and {Environment.ProcessorCount} threads (best of {Runs})");
        return new HashingResult(
            files,
            FileMiB,
            Md5: Timing.BestOf(Runs, () => RunReference("md5sum", paths)),
            Sha256: Timing.BestOf(Runs, () => RunReference("sha256sum", paths)),
            OursOneThread: Timing.BestOf(Runs, () => paths.ForEach(p => FileHasher.Hash(p))),
            OursParallel: Timing.BestOf(Runs, () => Parallel.ForEach(paths, p => FileHasher.Hash(p))));
    }

    /// <summary>Random bytes from a fixed seed: incompressible, and the same on every run.</summary>
    private static List<string> WriteRandomFiles(string folder, int files)
    {
        Progress.Say($"writing {files} x {FileMiB} MiB of random bytes to {folder}");
        Directory.CreateDirectory(folder);
        var random = new Random(Seed);
        var buffer = new byte[FileMiB << 20];
        var paths = new List<string>(files);
        for (var i = 0; i < files; i++)
        {
            random.NextBytes(buffer);
            var path = Path.Combine(folder, $"blob{i:D3}.bin");
            File.WriteAllBytes(path, buffer);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Reads every file once, so that every contender reads from memory rather than the first one
    /// paying for the disk; and checks on one file that the streaming hash covers the whole file, since a
    /// hasher that stopped early would look fast.</summary>
    private static void WarmAndVerify(List<string> paths)
    {
        foreach (var path in paths)
        {
            FileHasher.Hash(path);
        }

        if (FileHasher.Hash(paths[0]) != ContentHash.Of(File.ReadAllBytes(paths[0])))
        {
            throw new InvalidOperationException($"FileHasher.Hash('{paths[0]}') differs from the hash of the file's bytes read whole.");
        }
    }

    /// <summary>One process over all files, as one would run it by hand; checks it printed a line per file.</summary>
    private static void RunReference(string tool, List<string> paths)
    {
        var lines = Tool.Run(tool, paths).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != paths.Count)
        {
            throw new InvalidOperationException($"{tool} printed {lines.Length} lines for {paths.Count} files.");
        }
    }
}
