using System.Diagnostics;
using Spectre.Console;

namespace Sonique.Build.Host;

/// <summary>
/// One progress bar for long work inside a stage (training steps, answers): drawn live on a terminal, and as a
/// plain line every 10 s (and at the end) where output goes to a log, as in CI.
/// </summary>
public sealed class LiveBar(IAnsiConsole console, bool live) : IDisposable
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private readonly Stopwatch _sincePrint = Stopwatch.StartNew();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _display;
    private ProgressTask? _bar;
    private int _total;

    public static LiveBar ForThisConsole() => new(AnsiConsole.Console, ConsoleProgress.IsLive(AnsiConsole.Console));

    public void Start(int total, string description)
    {
        _total = total;
        if (!live || total <= 0 || _display is not null)
        {
            return;
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _display = console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                _bar = context.AddTask(Markup.Escape(description), maxValue: total);
                ready.TrySetResult();
                await _finished.Task;
                _bar.StopTask();
            });
        ready.Task.Wait(TimeSpan.FromSeconds(5));
    }

    public void Update(int done, string description)
    {
        if (_bar is { } bar)
        {
            bar.Value = done;
            bar.Description = Markup.Escape(description);
        }
        else if (_sincePrint.Elapsed >= PlainInterval || done == _total)
        {
            _sincePrint.Restart();
            console.WriteLine(description);
        }
    }

    public void Finish()
    {
        _finished.TrySetResult();
        _display?.GetAwaiter().GetResult();
        _display = null;
        _bar = null;
    }

    public void Dispose() => Finish();
}
