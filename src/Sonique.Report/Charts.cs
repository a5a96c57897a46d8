using ScottPlot;
using Sonique.Dataset.Pairs;
using Sonique.Evaluation;
using Sonique.Training;

namespace Sonique.Report;

/// <summary>The report's charts, drawn by ScottPlot and kept as SVG so the page holds them inline, crisp at any
/// size and with their text searchable.</summary>
public static class Charts
{
    private const int Width = 720;
    private const int Height = 360;
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    /// <summary>The original's "Top 10 Most Frequent Tags" chart, for the whole dataset.</summary>
    public static string TopTags(IReadOnlyList<TagShare> top)
    {
        ArgumentNullException.ThrowIfNull(top);
        var plot = new Plot();
        var bars = top.Select((t, i) => new Bar { Position = top.Count - i, Value = t.Clips, FillColor = Palette.GetColor(0) }).ToList();
        plot.Add.Bars(bars).Horizontal = true;
        plot.Axes.Left.SetTicks([.. top.Select((_, i) => (double)(top.Count - i))], [.. top.Select(t => t.Tag)]);
        plot.Axes.Margins(left: 0);
        plot.Title("Top 10 most frequent tags");
        plot.XLabel("clips");
        return plot.GetSvgXml(Width, Height);
    }

    public static string TempoHistogram(IReadOnlyList<TempoBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var plot = new Plot();
        plot.Add.Bars(bins.Select(b => new Bar { Position = b.LowerBpm + (ClipSetStatistics.HistogramBinWidth / 2.0), Value = b.Clips, Size = ClipSetStatistics.HistogramBinWidth * 0.9, FillColor = Palette.GetColor(1) }).ToList());
        plot.Axes.Margins(bottom: 0);
        plot.Title("Tempo histogram (10 BPM bins)");
        plot.XLabel("BPM");
        plot.YLabel("clips");
        return plot.GetSvgXml(Width, Height);
    }

    /// <summary>Training loss per optimizer step, and train and validation loss per epoch (at the epoch's last step).</summary>
    public static string LossCurves(IReadOnlyList<TrainingEvent> training)
    {
        ArgumentNullException.ThrowIfNull(training);
        var plot = new Plot();
        var steps = training.Where(e => e is { Event: TrainingEvent.StepDone, Step: not null, Loss: not null }).ToList();
        if (steps.Count > 0)
        {
            var line = plot.Add.Scatter(steps.Select(e => (double)e.Step!.Value).ToArray(), steps.Select(e => e.Loss!.Value).ToArray(), Palette.GetColor(0));
            line.MarkerSize = 0;
            line.LegendText = "training loss (step)";
        }

        var epochs = training.Where(e => e is { Event: TrainingEvent.EpochDone, Step: not null }).ToList();
        foreach (var (label, pick, color) in new (string, Func<TrainingEvent, double?>, int)[] { ("training loss (epoch)", e => e.TrainLoss, 1), ("validation loss (epoch)", e => e.ValidationLoss, 2) })
        {
            var points = epochs.Where(e => pick(e) is not null).ToList();
            if (points.Count > 0)
            {
                var series = plot.Add.Scatter(points.Select(e => (double)e.Step!.Value).ToArray(), points.Select(e => pick(e)!.Value).ToArray(), Palette.GetColor(color));
                series.MarkerSize = 8;
                series.LineWidth = 2;
                series.LegendText = label;
            }
        }

        plot.ShowLegend(Alignment.UpperRight);
        plot.Title("Loss per answer token");
        plot.XLabel("optimizer step");
        plot.YLabel("cross-entropy (nats)");
        return plot.GetSvgXml(Width, Height);
    }

    /// <summary>Precision, recall, F1 and parse rate, base against fine-tuned.</summary>
    public static string Scores(ModelMetrics first, ModelMetrics second) =>
        Grouped("Tag scores on the test split", ["precision", "recall", "F1", "answers that parse"],
            [(first.Model, [first.Precision, first.Recall, first.F1, first.ParseRate]), (second.Model, [second.Precision, second.Recall, second.F1, second.ParseRate])]);

    /// <summary>Distinct tags and entropy: the reference tags of the test clips, and each model's.</summary>
    public static string Diversity(IReadOnlyList<TagCount> reference, ModelMetrics first, ModelMetrics second)
    {
        var referenceEntropy = TagConcentration.Of(reference).EntropyBits;
        return Grouped("Tag diversity on the test split", ["distinct tags", "entropy (bits) x 10"],
            [("reference", [reference.Count, referenceEntropy * 10]), (first.Model, [first.DistinctTags, first.EntropyBits * 10]), (second.Model, [second.DistinctTags, second.EntropyBits * 10])]);
    }

    private static string Grouped(string title, IReadOnlyList<string> groups, IReadOnlyList<(string Series, double[] Values)> series)
    {
        var plot = new Plot();
        var width = 0.8 / series.Count;
        var bars = new List<Bar>();
        for (var s = 0; s < series.Count; s++)
        {
            for (var g = 0; g < groups.Count; g++)
            {
                bars.Add(new Bar { Position = g + ((s - ((series.Count - 1) / 2.0)) * width), Value = series[s].Values[g], Size = width * 0.95, FillColor = Palette.GetColor(s) });
            }

            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Series, FillColor = Palette.GetColor(s) });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. groups.Select((_, i) => (double)i)], [.. groups]);
        plot.Axes.Margins(bottom: 0);
        // Beside the bars, not over them: scores near 1 fill the top of the chart.
        plot.ShowLegend(Edge.Right);
        plot.Title(title);
        return plot.GetSvgXml(Width, Height);
    }
}
