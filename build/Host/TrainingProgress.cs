using System.Diagnostics;
using System.Globalization;
using Sonique.Training;
using Spectre.Console;

namespace Sonique.Build.Host;

/// <summary>
/// A trainer's metrics as the user sees them: a live bar (step of steps, epoch, loss, tokens per second, time
/// left) on a terminal, plain lines every 10 s in a log; a line per epoch with its losses either way.
/// </summary>
public sealed class TrainingProgress(IAnsiConsole console, bool live, string stage) : IDisposable
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private readonly Stopwatch _sincePrint = Stopwatch.StartNew();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _display;
    private ProgressTask? _bar;

    public static TrainingProgress ForThisConsole(string stage) => new(AnsiConsole.Console, ConsoleProgress.IsLive(AnsiConsole.Console), stage);

    public void On(TrainingEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Event)
        {
            case TrainingEvent.Prepared:
                Line($"{e.Examples} training and {e.ValidationExamples} validation examples, {e.Parameters:N0} LoRA parameters, {e.Window} tokens per sequence, {e.Steps} steps over {e.Epochs} epoch(s) ({e.Backend} on {e.Device})");
                StartBar(e.Steps ?? 0);
                break;
            case TrainingEvent.Skipped:
                console.MarkupLine($"[yellow]{Markup.Escape($"{stage}: skipped {(e.Id is null ? "" : e.Id + ": ")}{e.Reason}")}[/]");
                break;
            case TrainingEvent.Note:
                console.MarkupLine($"[yellow]{Markup.Escape($"{stage}: {e.Reason}")}[/]");
                break;
            case TrainingEvent.Resumed:
                Line($"resumed from the checkpoint after epoch {e.Epoch} (step {e.Step} of {e.Steps})");
                break;
            case TrainingEvent.StepDone:
                Step(e);
                break;
            case TrainingEvent.EpochDone:
                Line($"epoch {e.Epoch}/{e.Epochs}: train loss {e.TrainLoss:F3}, validation loss {(e.ValidationLoss is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-")} ({e.Seconds:F1} s)");
                break;
            case TrainingEvent.Done:
                Finish();
                Line($"training done in {e.Seconds:F1} s");
                break;
        }
    }

    public void Dispose()
    {
        Finish();
    }

    private void StartBar(int steps)
    {
        if (!live || steps <= 0 || _display is not null)
        {
            return;
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _display = console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                _bar = context.AddTask($"{stage}: starting", maxValue: steps);
                ready.TrySetResult();
                await _finished.Task;
                _bar.StopTask();
            });
        ready.Task.Wait(TimeSpan.FromSeconds(5));
    }

    private void Step(TrainingEvent e)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{stage}: step {e.Step}/{e.Steps}, epoch {e.Epoch}/{e.Epochs}, loss {e.Loss:F3}, {e.TokensPerSecond:N0} tokens/s");
        if (_bar is { } bar)
        {
            bar.Value = e.Step ?? 0;
            bar.Description = Markup.Escape(text);
        }
        else if (_sincePrint.Elapsed >= PlainInterval || e.Step == e.Steps)
        {
            _sincePrint.Restart();
            console.WriteLine(text);
        }
    }

    private void Finish()
    {
        _finished.TrySetResult();
        _display?.GetAwaiter().GetResult();
        _display = null;
        _bar = null;
    }

    private void Line(string text) => console.WriteLine($"{stage}: {text}");
}
