using System.Diagnostics;
using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Tests.Shared;
using Sonique.Training;

namespace Sonique.Build.Tests;

/// <summary>A small pipeline, every stage from the sample library to the report, run once in a fresh workspace.</summary>
public sealed class SmallPipeline : IAsyncLifetime
{
    public string Workspace { get; } = TempFolder.Create("repro-a-");

    public int ExitCode { get; private set; }

    public async ValueTask InitializeAsync() => ExitCode = await RunAsync(Workspace, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Workspace, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the small profile into the workspace and runs the Default target there.</summary>
    public static async Task<int> RunAsync(string workspace, CancellationToken ct) =>
        await SoniqueHost.RunAsync([$"--workspace={workspace}", $"--config={await WriteProfileAsync(workspace, epochs: 1, ct)}", "--jobs=2"]);

    public static async Task<string> WriteProfileAsync(string workspace, int epochs, CancellationToken ct)
    {
        var path = Path.Combine(workspace, "profile.yaml");
        await File.WriteAllTextAsync(path, $"""
            samples:
              count: 12
              seconds: 6
              seed: 11
            download:
              seconds: 6
              min_seconds: 2
            pair:
              validation: 0.25
              test: 0.25
            generate:
              max_tokens: 12
            finetune:
              epochs: {epochs}
              rank: 2
            """, ct);
        return path;
    }
}

/// <summary>
/// Reproducible means byte-identical: the same inputs in two fresh workspaces (at two different paths) give the
/// same artifacts and the same lock; and a trainer never outlives the host that started it.
/// </summary>
[Trait("Tier", "Slow")]
public sealed class ReproducibilityTests(SmallPipeline first) : IClassFixture<SmallPipeline>
{
    [Fact]
    public async Task Two_fresh_workspaces_write_every_artifact_and_the_lock_byte_for_byte_the_same()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, first.ExitCode);
        var second = TempFolder.Create("repro-b-");
        try
        {
            Assert.Equal(0, await SmallPipeline.RunAsync(second, ct));

            var files = Outputs(first.Workspace);
            Assert.Equal(files, Outputs(second));
            Assert.Contains(ReportTask.Html.Path, files);
            Assert.Contains(FineTuneTask.Metrics.Path, files);
            var differences = new List<string>();
            foreach (var file in files)
            {
                var a = await File.ReadAllBytesAsync(Path.Combine(first.Workspace, file), ct);
                var b = await File.ReadAllBytesAsync(Path.Combine(second, file), ct);
                if (!a.AsSpan().SequenceEqual(b))
                {
                    differences.Add($"{file}: {FirstDifference(a, b)}");
                }
            }

            Assert.True(differences.Count == 0, $"{differences.Count} file(s) differ between the two runs, each named with its first differing line: {string.Join("; ", differences)}");

            // What varies (when, how long, where) is in the run records, which are not outputs.
            var stages = await RunRecord.ReadStagesAsync(second, ct);
            Assert.True(Assert.Single(stages, s => s.Name == "FineTune").Ran == 1);
            var training = await File.ReadAllLinesAsync(Path.Combine(second, ArtifactPaths.FineTuneCheckpoints, FineTuneRun.RunRecordFile), ct);
            Assert.Contains(training.Select(TrainingEvent.TryParse), e => e is { Event: TrainingEvent.StepDone, TokensPerSecond: > 0 });
        }
        finally
        {
            Directory.Delete(second, recursive: true);
        }
    }

    [Fact]
    public async Task Killing_the_host_with_SIGKILL_ends_its_trainer_process()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, first.ExitCode);
        // A long training, so the trainer is still busy when its host dies: only FineTune has anything to do.
        var profile = await SmallPipeline.WriteProfileAsync(first.Workspace, epochs: 500, ct);
        var start = new ProcessStartInfo(TrainerProcess.DotNetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Sonique.Build.dll"), $"--workspace={first.Workspace}", $"--config={profile}", "--target=FineTune", "--jobs=2" })
        {
            start.ArgumentList.Add(argument);
        }

        var log = new List<string>();
        using var host = Process.Start(start)!;
        host.OutputDataReceived += (_, e) => Keep(log, e.Data);
        host.ErrorDataReceived += (_, e) => Keep(log, e.Data);
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        int? worker = null;
        try
        {
            while (!host.HasExited && (worker = WorkerChildOf(host.Id)) is null)
            {
                await Task.Delay(100, ct);
            }

            Assert.True(worker is not null, $"the host ended without starting a trainer: {string.Join(" | ", log.TakeLast(10))}");

            host.Kill(entireProcessTree: false);
            await host.WaitForExitAsync(ct);

            // The trainer sees its standard input close with its host and exits on its own. No time limit is asserted
            // (a busy machine is slow, not wrong): a trainer that outlives its host keeps this test waiting until the run
            // is cancelled, which names this test.
            while (IsWorker(worker.Value))
            {
                await Task.Delay(100, ct);
            }
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill();
            }

            if (worker is { } pid && IsWorker(pid))
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
            }
        }
    }

    private static SortedSet<string> Outputs(string workspace) => new(
        Directory.EnumerateFiles(Path.Combine(workspace, "artifacts"), "*", SearchOption.AllDirectories)
            .Append(Path.Combine(workspace, "sonique.lock"))
            .Select(f => Path.GetRelativePath(workspace, f).Replace(Path.DirectorySeparatorChar, '/')),
        StringComparer.Ordinal);

    private static string FirstDifference(byte[] a, byte[] b)
    {
        var left = System.Text.Encoding.UTF8.GetString(a).Split('\n');
        var right = System.Text.Encoding.UTF8.GetString(b).Split('\n');
        for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            var l = i < left.Length ? left[i] : "(end)";
            var r = i < right.Length ? right[i] : "(end)";
            if (l != r)
            {
                return $"line {i + 1}: '{Shorten(l)}' against '{Shorten(r)}'";
            }
        }

        return $"{a.Length} bytes against {b.Length}";
    }

    private static string Shorten(string line) => line.Length > 300 ? line[..300] + "..." : line;

    private static void Keep(List<string> log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.Add(line);
            }
        }
    }

    /// <summary>The trainer worker among <paramref name="parent"/>'s children, read from /proc.</summary>
    private static int? WorkerChildOf(int parent)
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var pid) && IsWorker(pid) && ParentOf(pid) == parent)
            {
                return pid;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="pid"/> is a live trainer worker (not gone, not a zombie, not a reused pid).</summary>
    private static bool IsWorker(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && File.ReadAllText($"/proc/{pid}/cmdline").Contains("Sonique.Training.Worker.dll", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
