using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sonique.Engine.Hashing;
using Sonique.Engine.SyntheticPipeline;

// The engine's benchmark: every number is measured in this one run, on the same files, beside a
// reference (md5sum, sha256sum, the host's own start), so ratios hold on a noisy machine.
// Usage: dotnet run -c Release --project bench/Sonique.Benchmarks -- [--quick] [--out FILE]
var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
var outFile = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;
var scratch = Path.Combine(Path.GetTempPath(), "sonique-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(scratch);
var report = new StringBuilder();
try
{
    report.AppendLine(Machine.Describe()).AppendLine();
    report.AppendLine(Hashing.Measure(Path.Combine(scratch, "hash"), quick ? 16 : 64)).AppendLine();
    report.AppendLine(Rerun.Measure(Path.Combine(scratch, "workspace"), items: 3000));
}
finally
{
    Directory.Delete(scratch, recursive: true);
}

Console.WriteLine(report);
if (outFile is not null)
{
    File.WriteAllText(outFile, report.ToString());
}

internal static class Hashing
{
    private const int FileMiB = 16;

    public static string Measure(string folder, int files)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(42);
        var buffer = new byte[FileMiB << 20];
        var paths = new List<string>();
        for (var i = 0; i < files; i++)
        {
            random.NextBytes(buffer);
            var path = Path.Combine(folder, $"blob{i:D3}.bin");
            File.WriteAllBytes(path, buffer);
            paths.Add(path);
        }

        var megabytes = (double)files * FileMiB * 1.048576;
        foreach (var path in paths)
        {
            FileHasher.Hash(path); // warm the page cache: every contender reads from memory
        }

        var md5 = Best(() => Tool.Run("md5sum", paths));
        var sha256 = Best(() => Tool.Run("sha256sum", paths));
        var serial = Best(() => paths.ForEach(p => FileHasher.Hash(p)));
        var parallel = Best(() => Parallel.ForEach(paths, p => FileHasher.Hash(p)));
        string Row(string name, TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"| {name} | {t.TotalSeconds:F3} | {megabytes / t.TotalSeconds:F0} | {md5.TotalSeconds / t.TotalSeconds:F2} |");
        return string.Join('\n',
            string.Create(CultureInfo.InvariantCulture, $"### Hashing {files} files x {FileMiB} MiB ({megabytes:F0} MB, page cache warm, best of 3)"),
            "",
            "| hasher | seconds | MB/s | x md5sum |",
            "|---|---|---|---|",
            Row("md5sum", md5),
            Row("sha256sum", sha256),
            Row("Sonique XXH128, 1 thread", serial),
            Row($"Sonique XXH128, {Environment.ProcessorCount} threads", parallel));
    }

    private static TimeSpan Best(Action action) => Enumerable.Range(0, 3).Select(_ => Tool.Time(action)).Min();
}

internal static class Rerun
{
    public static string Measure(string root, int items)
    {
        SyntheticStages.WriteInputs(root, items);
        var first = Child.Run(root);
        Expect(first.Output, $"Transform items={items} fresh=0 ran={items}");

        var start = Median(5, () => Child.Run(root, "--start-only").Elapsed);
        var noops = Enumerable.Range(0, 5).Select(_ => Child.Run(root)).ToList();
        noops.ForEach(r => Expect(r.Output, $"Transform items={items} fresh={items} ran=0", "Summarize items=1 fresh=1 ran=0", "hashed=0"));
        var noop = Median(noops.Select(r => r.Elapsed));

        var inputs = Directory.GetFiles(Path.Combine(root, "inputs"));
        var hashInProcess = Tool.Time(() => Parallel.ForEach(inputs, p => FileHasher.Hash(p)));
        var cold = Median(3, () =>
        {
            File.Delete(Path.Combine(root, "cache", "hashes.bin"));
            var run = Child.Run(root);
            Expect(run.Output, "ran=0 restored=0");
            return run.Elapsed;
        });

        SyntheticStages.WriteInputs(root, 1, items);
        var added = Child.Run(root);
        Expect(added.Output, $"Transform items={items + 1} fresh={items} ran=1", "Summarize items=1 fresh=0 ran=1");

        string Row(string what, TimeSpan t, string note) => string.Create(CultureInfo.InvariantCulture, $"| {what} | {t.TotalSeconds:F3} | {(t - start).TotalSeconds:F3} | {note} |");
        return string.Join('\n',
            $"### A workspace of {items} items, two input files each (child process, median of 5; cold: of 3)",
            "",
            "| run | seconds | beyond the host's start | note |",
            "|---|---|---|---|",
            Row("host start only (`--start-only`)", start, "the reference"),
            Row("no-op rerun", noop, "target: at most 0.5 s beyond start"),
            Row("rerun with the hash cache deleted", cold, $"every input ({inputs.Length} files) and output re-read"),
            Row("one item added", added.Elapsed, "Transform ran 1, Summarize ran 1"),
            "",
            string.Create(CultureInfo.InvariantCulture, $"No-op beyond start / cold beyond start: {(noop - start) / (cold - start):F2}. Hashing the {inputs.Length} inputs in-process, no cache: {hashInProcess.TotalSeconds:F3} s."));
    }

    private static void Expect(string output, params string[] needles)
    {
        foreach (var needle in needles.Where(n => !output.Contains(n, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"Expected '{needle}' in the synthetic pipeline's output:\n{output}");
        }
    }

    private static TimeSpan Median(int runs, Func<TimeSpan> measure) => Median(Enumerable.Range(0, runs).Select(_ => measure()));

    private static TimeSpan Median(IEnumerable<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

internal static class Child
{
    public static (string Output, TimeSpan Elapsed) Run(string workspace, params string[] extra)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Sonique.Engine.SyntheticPipeline.dll");
        string output = "";
        var elapsed = Tool.Time(() => output = Tool.Run("dotnet", ["exec", dll, "--workspace", workspace, .. extra]));
        return (output, elapsed);
    }
}

internal static class Tool
{
    public static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }

    public static string Run(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {error.Result}");
        }

        return output;
    }
}

internal static class Machine
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture,
            $"Machine: {cpu ?? "unknown CPU"}, {Environment.ProcessorCount} cores, {memory:F0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}");
    }
}
