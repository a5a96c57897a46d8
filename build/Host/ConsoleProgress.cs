using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Sonique.Engine;
using Spectre.Console;

namespace Sonique.Build.Host;

/// <summary>
/// Shows per-item work: a live bar (done/total, rate, time left) on a terminal, and plain progress lines
/// (every 10% or 10 s) where output goes to a log, as in CI.
/// </summary>
public sealed class ConsoleProgress(IAnsiConsole console, bool live) : IPipelineObserver, IDisposable
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Lock _gate = new();
    private StageRun? _current;
    private LiveBar? _transfers;

    public static ConsoleProgress ForThisConsole() => new(AnsiConsole.Console, IsLive(AnsiConsole.Console));

    /// <summary>Whether a live bar can be drawn: an interactive terminal, not CI, output not redirected.</summary>
    public static bool IsLive(IAnsiConsole console)
    {
        var inCi = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        return console.Profile.Capabilities.Interactive && !inCi && !Console.IsOutputRedirected;
    }

    public void StageStarting(string stage, int items, int toDo)
    {
        if (toDo == 0)
        {
            return;
        }

        var run = new StageRun(stage, toDo);
        lock (_gate)
        {
            _current = run;
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stage}: {toDo} of {items} item(s) to do"));
        if (live)
        {
            run.Display = console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    run.Bar = context.AddTask(Describe(run), maxValue: toDo);
                    await run.Finished.Task;
                    run.Bar.Value = run.Done;
                });
        }
    }

    public void ItemFinished(string stage, string key, ItemOutcome outcome, string? detail)
    {
        if (outcome == ItemOutcome.Failed)
        {
            _failures.Enqueue($"{stage}: {key} failed: {detail}");
        }

        StageRun? run;
        lock (_gate)
        {
            run = _current;
        }

        if (run is null || run.Stage != stage)
        {
            return;
        }

        var done = Interlocked.Increment(ref run.Done);
        if (run.Bar is { } bar)
        {
            bar.Value = done;
            bar.Description = Describe(run);
        }
        else if (!live && run.ShouldPrint(done, PlainInterval))
        {
            console.WriteLine(Describe(run));
        }
    }

    public void StageFinished(StageReport report)
    {
        StageRun? run;
        lock (_gate)
        {
            run = _current?.Stage == report.Stage ? _current : null;
            _current = null;
        }

        if (run is not null)
        {
            run.Finished.TrySetResult();
            run.Display?.GetAwaiter().GetResult();
        }

        while (_failures.TryDequeue(out var failure))
        {
            console.MarkupLine($"[red]{Markup.Escape(failure)}[/]");
        }

        console.WriteLine(Summarize(report));
    }

    /// <summary>A remote cache's transfers: a bar of their own where no stage's bar is drawn (Push), and one line of
    /// bytes and rate when a batch ends.</summary>
    public void Transferring(TransferProgress progress)
    {
        lock (_gate)
        {
            if (progress.Done)
            {
                _transfers?.Finish();
                _transfers = null;
                console.WriteLine(DescribeTransfers(progress));
                return;
            }

            if (_current is not null)
            {
                return;
            }

            if (_transfers is null)
            {
                _transfers = new LiveBar(console, live);
                _transfers.Start(1000, DescribeTransfers(progress));
            }

            _transfers.Update(progress.TotalBytes > 0 ? (int)(1000 * progress.Bytes / progress.TotalBytes) : 0, DescribeTransfers(progress));
        }
    }

    /// <summary>What a cluster's jobs are doing (Slurm executor's lines): the running stage's job states join its bar;
    /// the rest (job ids, log files, retries) is printed.</summary>
    public void Cluster(string line)
    {
        StageRun? run;
        lock (_gate)
        {
            run = _current;
        }

        var states = line.IndexOf(" tasks: ", StringComparison.Ordinal);
        if (run?.Bar is { } bar && states > 0 && line.StartsWith(run.Stage + ":", StringComparison.Ordinal))
        {
            run.Jobs = line[(states + 1)..];
            bar.Description = Describe(run);
            return;
        }

        console.WriteLine(line);
    }

    public void Dispose() => _transfers?.Dispose();

    public static string DescribeTransfers(TransferProgress progress)
    {
        const double Megabyte = 1 << 20;
        var verb = progress.Direction == TransferDirection.Push ? "pushed" : "pulled";
        var left = !progress.Done && progress.Left is { } l ? $", {l:hh\\:mm\\:ss} left" : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Remote cache: {verb} {progress.Objects}/{progress.TotalObjects} object(s), {progress.Bytes / Megabyte:F1} of {progress.TotalBytes / Megabyte:F1} MB, {progress.BytesPerSecond / Megabyte:F1} MB/s{(progress.Done ? $" in {progress.Elapsed.TotalSeconds:F1} s" : left)}");
    }

    public void Warning(string stage, string message) => console.MarkupLine($"[yellow]{Markup.Escape($"{stage}: {message}")}[/]");

    public static string Summarize(StageReport report)
    {
        var parts = new List<string>();
        if (report.Fresh > 0)
        {
            parts.Add($"{report.Fresh} fresh");
        }

        if (report.Ran > 0)
        {
            parts.Add($"{report.Ran} ran");
        }

        if (report.Restored > 0)
        {
            parts.Add($"{report.Restored} restored from cache");
        }

        if (report.Failed > 0)
        {
            parts.Add($"{report.Failed} failed");
        }

        if (report.KnownFailures > 0)
        {
            parts.Add($"{report.KnownFailures} failed before (not retried)");
        }

        // Only a Pull leaves items neither fresh nor done: no cache held them.
        var untouched = report.Items - report.Fresh - report.Ran - report.Restored - report.Failed - report.KnownFailures;
        if (untouched > 0)
        {
            parts.Add($"{untouched} in no cache");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{report.Stage}: {report.Items} item(s): {string.Join(", ", parts)} ({report.Duration.TotalSeconds:F1} s)");
    }

    private static string Describe(StageRun run)
    {
        var elapsed = run.Clock.Elapsed.TotalSeconds;
        var rate = elapsed > 0 ? run.Done / elapsed : 0;
        var left = rate > 0 ? TimeSpan.FromSeconds((run.ToDo - run.Done) / rate) : (TimeSpan?)null;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{run.Stage}: {run.Done}/{run.ToDo} ({100.0 * run.Done / run.ToDo:F0}%), {rate:F1} items/s{(left is { } l ? $", {l:hh\\:mm\\:ss} left" : "")}{(run.Jobs is { } jobs ? $"; {jobs}" : "")}");
    }

    private sealed class StageRun(string stage, int toDo)
    {
        private long _lastPrintTicks;
        private int _lastDecile;

        public string Stage { get; } = stage;

        public int ToDo { get; } = toDo;

        public int Done;

        /// <summary>On a cluster: its array tasks' states ("tasks: 3 pending, 2 running, ...").</summary>
        public string? Jobs { get; set; }

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task? Display { get; set; }

        public ProgressTask? Bar { get; set; }

        public bool ShouldPrint(int done, TimeSpan interval)
        {
            var decile = done * 10 / ToDo;
            var now = Clock.Elapsed.Ticks;
            lock (this)
            {
                if (decile > _lastDecile || now - _lastPrintTicks >= interval.Ticks || done == ToDo)
                {
                    _lastDecile = decile;
                    _lastPrintTicks = now;
                    return true;
                }
            }

            return false;
        }
    }
}
