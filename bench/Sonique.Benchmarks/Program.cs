using Sonique.Benchmarks;
using static System.FormattableString;

// The engine's and Download's benchmarks. Every number is measured in this one run, on the same files, beside a reference
// (md5sum, sha256sum, the host's own start), because these machines are noisy: read the ratios.
// Usage: dotnet run -c Release --project bench/Sonique.Benchmarks -- [--suite engine|lock|download|analysis|accuracy|llm|training|store|remote|slurm|vlm|peft-gpu] [--quick] [--items N] [--per-task N,N] [--workspaces DIR] [--bundle DIR] [--returned DIR] [--out FILE]
if (args.Length == 3 && args[0] == NoOpPhases.ChildFlag)
{
    await NoOpPhases.RunChildAsync(args[1], args[2]);
    return 0;
}

if (!Options.TryParse(args, out var options))
{
    await Console.Error.WriteLineAsync("Usage: Sonique.Benchmarks [--suite engine|lock|download|analysis|accuracy|llm|training|store|remote|slurm|vlm|peft-gpu] [--quick] [--items N] [--per-task N,N] [--workspaces DIR] [--bundle DIR] [--returned DIR] [--out FILE]");
    return 2;
}

var scratch = Path.Combine(Path.GetTempPath(), "sonique-bench-" + Guid.NewGuid().ToString("N"));
string markdown;
try
{
    var machine = Machine.Describe();
    if (options.Suite == "remote")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await RemoteBenchmark.RunAsync(scratch, options.Quick ? 16 : 64, Environment.ProcessorCount, CancellationToken.None);
    }
    else if (options.Suite == "training")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await TrainingBenchmark.RunAsync(scratch, options.Quick ? 16 : 48, CancellationToken.None);
    }
    else if (options.Suite == "vlm")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await VlmBenchmark.RunAsync(scratch, options.Quick, CancellationToken.None);
    }
    else if (options.Suite == "peft-gpu")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await PeftGpuProof.RunAsync(scratch, options.Bundle, options.Returned, CancellationToken.None);
    }
    else if (options.Suite == "llm")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await LlmBenchmark.RunAsync(scratch, options.Quick ? 8 : 32, CancellationToken.None);
    }
    else if (options.Suite == "analysis")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await AnalysisBenchmark.RunAsync(scratch, options.Quick ? 8 : 24, CancellationToken.None);
    }
    else if (options.Suite == "accuracy")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await AccuracyBenchmark.RunAsync(scratch, options.Quick, CancellationToken.None);
    }
    else if (options.Suite == "lock")
    {
        var results = LockBenchmark.Run(options.Workspaces ?? scratch, options.LockCounts, keep: options.Workspaces is not null);
        markdown = LockBenchmark.Render(machine, results);
    }
    else if (options.Suite == "slurm")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await SlurmBenchmark.RunAsync(scratch, options.ItemsGiven ? options.Items : 1000, options.PerTask, CancellationToken.None);
    }
    else if (options.Suite == "store")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await StoreBenchmark.RunAsync(scratch, options.Quick ? 50 : 200, CancellationToken.None);
    }
    else if (options.Suite == "download")
    {
        markdown = Invariant($"Machine: {machine}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\n")
            + await DownloadBenchmark.RunAsync(scratch, options.Quick ? 8 : 24, CancellationToken.None);
    }
    else
    {
        var hashing = HashingBenchmark.Run(Path.Combine(scratch, "hash"), options.HashFiles);
        // The hash files go before the reruns start: a GiB less of page cache for them to compete with.
        Directory.Delete(Path.Combine(scratch, "hash"), recursive: true);
        var reruns = RerunBenchmark.Run(Path.Combine(scratch, "workspace"), options.Items);
        markdown = Report.Render(machine, hashing, reruns);
    }
}
finally
{
    if (Directory.Exists(scratch))
    {
        Directory.Delete(scratch, recursive: true);
    }
}

Console.WriteLine(markdown);
if (options.OutFile is not null)
{
    await File.WriteAllTextAsync(options.OutFile, markdown);
    Progress.Say($"wrote {options.OutFile}");
}

return 0;
