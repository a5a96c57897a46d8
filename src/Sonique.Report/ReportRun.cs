namespace Sonique.Report;

/// <summary>The Report stage's work: both renderings into one folder.</summary>
public static class ReportRun
{
    public const string HtmlFile = "report.html";
    public const string MarkdownFile = "summary.md";

    public static async Task WriteAsync(ReportInputs inputs, string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, HtmlFile), HtmlReport.Render(inputs), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, MarkdownFile), MarkdownSummary.Render(inputs), ct);
    }
}
