using Microsoft.Playwright;
using Sonique.Tests.Shared;

namespace Sonique.Report.Tests;

/// <summary>The report as a reader sees it: rendered by headless Chromium (Debian's, or SONIQUE_CHROMIUM).</summary>
public sealed class HtmlReportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Chromium => Environment.GetEnvironmentVariable("SONIQUE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    [Trait("Tier", "Tool")] // headless Chromium renders the page
    [Fact]
    public async Task The_report_renders_in_Chromium_with_every_chart_drawn_and_the_key_figures_on_the_page()
    {
        var ct = TestContext.Current.CancellationToken;
        await ReportRun.WriteAsync(SampleReport.Inputs(), _folder.Root, ct);
        var html = Path.Combine(_folder.Root, ReportRun.HtmlFile);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        await page.GotoAsync(new Uri(html).AbsoluteUri);

        var charts = await page.EvaluateAsync<ChartBox[]>("""
            () => [...document.querySelectorAll('figure[data-chart]')].map(f => {
              const svg = f.querySelector('svg'); const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
              return { name: f.dataset.chart, width: box.width, height: box.height, shapes: svg ? svg.querySelectorAll('path, rect').length : 0,
                       texts: svg ? svg.querySelectorAll('text').length : 0 };
            })
            """);
        var text = await page.InnerTextAsync("body");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "report.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        TestContext.Current.AddAttachment("report.png", await File.ReadAllBytesAsync(screenshot, ct), "image/png");

        Assert.Equal(["scores", "diversity", "loss", "top-tags", "tempo"], charts.Select(c => c.Name));
        Assert.All(charts, c => Assert.True(c.Width > 300 && c.Height > 150 && c.Shapes > 5 && c.Texts > 3, $"chart {c.Name}: {c.Width}x{c.Height}, {c.Shapes} shapes, {c.Texts} texts"));
        Assert.Contains("Fine-tuning raised tag F1 from 0.00 to 0.88 on 4 test clips.", text, StringComparison.Ordinal);
        Assert.Contains("Fine-tuning narrowed the tag vocabulary: 5 distinct tags", text, StringComparison.Ordinal);
        Assert.Contains("0 / 4", text, StringComparison.Ordinal);
        Assert.Contains("0.875", text, StringComparison.Ordinal);
        Assert.Contains("llama trainer: 8 training and 2 validation examples", text, StringComparison.Ordinal);
        Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot holds a page");
        Assert.DoesNotContain("<script", await File.ReadAllTextAsync(html, ct), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_summary_holds_the_verdict_and_the_metrics_table_and_nothing_of_the_run_that_wrote_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await ReportRun.WriteAsync(SampleReport.Inputs(), _folder.Root, ct);

        var summary = await File.ReadAllLinesAsync(Path.Combine(_folder.Root, ReportRun.MarkdownFile), ct);

        Assert.Equal("# Sonique report", summary[0]);
        Assert.Contains("- Fine-tuning raised tag F1 from 0.00 to 0.88 on 4 test clips.", summary);
        Assert.Contains("| tag F1 (mean over clips) | 0.000 | 0.875 |", summary);
        Assert.Contains("| 2 | 0.900 | 0.800 |", summary);
        // The inputs' epochs took 3 s on "CPU, 2 threads": how long and where are the run record's, not the report's.
        foreach (var page in new[] { ReportRun.MarkdownFile, ReportRun.HtmlFile })
        {
            var text = await File.ReadAllTextAsync(Path.Combine(_folder.Root, page), ct);
            Assert.DoesNotContain("threads", text, StringComparison.Ordinal);
            Assert.DoesNotContain("seconds", text, StringComparison.Ordinal);
            Assert.DoesNotContain(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_same_inputs_render_the_same_page_however_many_charts_the_process_drew_before()
    {
        var first = HtmlReport.Render(SampleReport.Inputs());
        var second = HtmlReport.Render(SampleReport.Inputs());

        Assert.Equal(first, second);
        var ids = System.Text.RegularExpressions.Regex.Matches(first, "\\bid=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("loss-1", ids);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>What the page says of one chart (Playwright fills it by property).</summary>
    private sealed class ChartBox
    {
        public string Name { get; set; } = "";

        public double Width { get; set; }

        public double Height { get; set; }

        public int Shapes { get; set; }

        public int Texts { get; set; }
    }
}
