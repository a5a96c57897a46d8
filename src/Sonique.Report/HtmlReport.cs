using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Sonique.Training;

namespace Sonique.Report;

/// <summary>The report as one self-contained HTML page: no script, no external file, charts inline as SVG.</summary>
public static partial class HtmlReport
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
        h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
        table { border-collapse: collapse; margin: 1em 0; } th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
        th { background: #f4f4f4; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
        #verdict li { font-size: 1.1em; margin: 0.3em 0; } figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
        .muted { color: #666; } .small { font-size: 0.85em; }
        """;

    public static string Render(ReportInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var html = new StringBuilder();
        var b = inputs.Base;
        var f = inputs.FineTuned;
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Sonique report</title>\n<style>\n")
            .Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<header><h1>Sonique: scene descriptions to music tags</h1>")
            .Append(P($"Base model {inputs.Model}.", "muted"))
            .Append("</header>\n");

        html.Append("<section id=\"verdict\"><h2>Verdict</h2><ul>");
        foreach (var line in Verdict.Of(inputs))
        {
            html.Append("<li>").Append(E(line)).Append("</li>");
        }

        html.Append("</ul></section>\n");

        html.Append("<section id=\"evaluation\"><h2>Base against fine-tuned</h2>")
            .Append(P($"Both models answered the original's question for each of the {f.Answers} test clips, with the same prompt and greedy decoding; answers are parsed as tags and compared with the clips' reference tags (the tempo apart)."))
            .Append("<table id=\"metrics\"><tr><th>measure</th><th>").Append(E(b.Model)).Append("</th><th>").Append(E(f.Model)).Append("</th></tr>");
        foreach (var (measure, value) in MetricRows.All)
        {
            html.Append("<tr><td>").Append(E(measure)).Append("</td><td class=\"number\">").Append(E(value(b))).Append("</td><td class=\"number\">").Append(E(value(f))).Append("</td></tr>");
        }

        html.Append("</table>")
            .Append(Figure("scores", Charts.Scores(b, f)))
            .Append(Figure("diversity", Charts.Diversity(inputs.ReferenceTags, b, f)))
            .Append("<h3>Sample answers</h3><table id=\"samples\" class=\"small\"><tr><th>clip</th><th>description</th><th>reference</th>");
        var models = inputs.Evaluation.Clips.Count == 0 ? [] : inputs.Evaluation.Clips[0].Answers.Select(a => a.Model).ToList();
        foreach (var model in models)
        {
            html.Append("<th>").Append(E(model)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var clip in inputs.Evaluation.Clips.Take(8))
        {
            html.Append("<tr><td>").Append(E(clip.ClipId.Value)).Append("</td><td>").Append(E(clip.Description)).Append("</td><td>").Append(E(string.Join(", ", clip.Reference))).Append("</td>");
            foreach (var answer in clip.Answers)
            {
                var shown = answer.Form == "Unparseable" ? $"(no tags) {Shorten(answer.Problem ?? answer.Text)}" : string.Join(", ", answer.Tags);
                html.Append("<td>").Append(E(shown)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table></section>\n");

        var epochs = inputs.Training.Where(e => e.Event == TrainingEvent.EpochDone).ToList();
        var prepared = inputs.Training.FirstOrDefault(e => e.Event == TrainingEvent.Prepared);
        html.Append("<section id=\"training\"><h2>Training</h2>");
        if (prepared is not null)
        {
            html.Append(P($"{prepared.Backend} trainer: {prepared.Examples} training and {prepared.ValidationExamples} validation examples, {prepared.Parameters:N0} LoRA parameters, {prepared.Steps} steps over {prepared.Epochs} epoch(s)."));
        }

        html.Append(Figure("loss", Charts.LossCurves(inputs.Training)))
            .Append("<table id=\"epochs\"><tr><th>epoch</th><th>training loss</th><th>validation loss</th></tr>");
        foreach (var e in epochs)
        {
            html.Append(string.Create(CultureInfo.InvariantCulture, $"<tr><td class=\"number\">{e.Epoch}</td><td class=\"number\">{e.TrainLoss:F3}</td><td class=\"number\">{e.ValidationLoss:F3}</td></tr>"));
        }

        html.Append("</table></section>\n");

        var d = inputs.Dataset;
        html.Append("<section id=\"dataset\"><h2>Dataset</h2>")
            .Append(P($"{d.Clips} clips: {d.Train} training ({d.BalancedOut} balanced out), {d.Validation} validation, {d.Test} test. {d.All.DistinctTags} distinct tags, {d.All.MeanTagsPerClip:F1} per clip; the ten most frequent cover {d.All.Concentration.Top10Share:0%} of tag uses (entropy {d.All.Concentration.EntropyBits:F2} bits)."))
            .Append(Figure("top-tags", Charts.TopTags(d.All.TopTags)))
            .Append(Figure("tempo", Charts.TempoHistogram(d.All.TempoHistogram)))
            .Append("<table id=\"balance\"><tr><th>tempo band (BPM)</th><th>clips</th><th>share</th></tr>");
        foreach (var band in d.All.TempoBands)
        {
            html.Append(string.Create(CultureInfo.InvariantCulture, $"<tr><td>{band.LowerBpm}-{band.UpperBpm}</td><td class=\"number\">{band.Clips}</td><td class=\"number\">{band.Share:0%}</td></tr>"));
        }

        html.Append("</table></section>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Figure(string name, string svg)
    {
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return $"<figure data-chart=\"{name}\">{ChartIds(name, start >= 0 ? svg[start..] : svg)}</figure>\n";
    }

    /// <summary>
    /// The SVG's element ids (Skia numbers its clip paths from a counter that lives as long as the process) renamed
    /// after the chart and their order in it: the same chart gives the same bytes whatever was drawn before it, and
    /// the charts of one page never share an id.
    /// </summary>
    private static string ChartIds(string name, string svg)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match id in IdAttribute().Matches(svg))
        {
            ids.TryAdd(id.Groups[1].Value, string.Create(CultureInfo.InvariantCulture, $"{name}-{ids.Count + 1}"));
        }

        return ids.Count == 0 ? svg : IdOrReference().Replace(svg, m => ids.TryGetValue(m.Groups[2].Value, out var renamed) ? m.Groups[1].Value + renamed : m.Value);
    }

    [GeneratedRegex(@"\bid=""([^""]+)""")]
    private static partial Regex IdAttribute();

    [GeneratedRegex(@"(\bid=""|#)([A-Za-z_][\w.:-]*)")]
    private static partial Regex IdOrReference();

    private static string P(string text, string? cssClass = null) => cssClass is null ? $"<p>{E(text)}</p>" : $"<p class=\"{cssClass}\">{E(text)}</p>";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
