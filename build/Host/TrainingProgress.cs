using System.Globalization;
using Sonique.Training;
using Spectre.Console;

namespace Sonique.Build.Host;

/// <summary>
/// A trainer's metrics as the user sees them: a bar of steps (epoch, loss, tokens per second, time left), and a
/// line per epoch with its losses.
/// </summary>
public sealed class TrainingProgress(IAnsiConsole console, LiveBar bar, string stage) : IDisposable
{
    public static TrainingProgress ForThisConsole(string stage) => new(AnsiConsole.Console, LiveBar.ForThisConsole(), stage);

    public void On(TrainingEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Event)
        {
            case TrainingEvent.Prepared:
                Line($"{e.Examples} training and {e.ValidationExamples} validation examples, {e.Parameters:N0} LoRA parameters, {e.Window} tokens per sequence, {e.Steps} steps over {e.Epochs} epoch(s) ({e.Backend} on {e.Device})");
                bar.Start(e.Steps ?? 0, $"{stage}: starting");
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
                bar.Update(e.Step ?? 0, string.Create(
                    CultureInfo.InvariantCulture,
                    $"{stage}: step {e.Step}/{e.Steps}, epoch {e.Epoch}/{e.Epochs}, loss {e.Loss:F3}, {e.TokensPerSecond:N0} tokens/s"));
                break;
            case TrainingEvent.EpochDone:
                Line($"epoch {e.Epoch}/{e.Epochs}: train loss {e.TrainLoss:F3}, validation loss {(e.ValidationLoss is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-")} ({e.Seconds:F1} s)");
                break;
            case TrainingEvent.Done:
                bar.Finish();
                Line($"training done in {e.Seconds:F1} s");
                break;
        }
    }

    public void Dispose() => bar.Dispose();

    private void Line(string text) => console.WriteLine($"{stage}: {text}");
}
