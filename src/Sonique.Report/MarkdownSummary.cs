using System.Globalization;
using System.Text;
using Sonique.Training;

namespace Sonique.Report;

/// <summary>The report's numbers as Markdown, for a pull request, a terminal or a notebook.</summary>
public static class MarkdownSummary
{
    public static string Render(ReportInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var b = inputs.Base;
        var f = inputs.FineTuned;
        var text = new StringBuilder();
        text.Append("# Sonique report\n\n")
            .Append(CultureInfo.InvariantCulture, $"Base model {inputs.Model}. The full report, with charts: report.html.\n\n")
            .Append("## Verdict\n\n");
        foreach (var line in Verdict.Of(inputs))
        {
            text.Append("- ").Append(line).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"\n## Base against fine-tuned ({f.Answers} test clips)\n\n| measure | {b.Model} | {f.Model} |\n| --- | --- | --- |\n");
        foreach (var (measure, value) in MetricRows.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {measure} | {value(b)} | {value(f)} |\n");
        }

        text.Append("\n## Training\n\n| epoch | training loss | validation loss |\n| --- | --- | --- |\n");
        foreach (var e in inputs.Training.Where(e => e.Event == TrainingEvent.EpochDone))
        {
            text.Append(CultureInfo.InvariantCulture, $"| {e.Epoch} | {e.TrainLoss:F3} | {e.ValidationLoss:F3} |\n");
        }

        var d = inputs.Dataset;
        text.Append(CultureInfo.InvariantCulture, $"\n## Dataset\n\n{d.Clips} clips: {d.Train} training ({d.BalancedOut} balanced out), {d.Validation} validation, {d.Test} test; {d.All.DistinctTags} distinct tags. Top 10: ")
            .AppendJoin(", ", d.All.TopTags.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Tag} ({t.Clips})")))
            .Append(".\n");

        return text.ToString();
    }
}
