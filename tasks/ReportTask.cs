using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Llm.BaseModels;
using Sonique.Report;

namespace Sonique.Build.Tasks;

/// <summary>
/// The dataset, the training and the evaluation as one self-contained HTML page with charts, and a Markdown
/// summary, ending in a verdict computed from the numbers. Nothing of the run that wrote them (dates, timings: the
/// run record, cache/run.json, keeps those), so the same inputs give the same bytes.
/// </summary>
[TaskName("Report")]
[TaskDescription("Write artifacts/report/report.html (self-contained, with charts) and summary.md")]
public sealed class ReportTask : StageTask
{
    public static readonly FileArtifact Folder = new(typeof(ReportTask), "artifacts/report/");

    /// <summary>The report: self-contained, charts inline as SVG, no script.</summary>
    public static readonly FileArtifact Html = Folder.File(ReportRun.HtmlFile);

    public static readonly FileArtifact Summary = Folder.File(ReportRun.MarkdownFile);

    public override IReadOnlyList<Artifact> Reads => [PairTask.Statistics, FineTuneTask.Metrics, EvaluateTask.Results, BaseModelTask.Manifest];

    public override IReadOnlyList<Artifact> Writes => [Html, Summary];

    public override StageDefinition Define(SoniqueContext context) => new UnitStage("Report", version: 1)
    {
        Inputs = [PairTask.Statistics.Path, FineTuneTask.Metrics.Path, EvaluateTask.Results.Path, BaseModelTask.Manifest.Path],
        Outputs = [Folder.Path],
        Run = async (run, ct) =>
        {
            var manifest = await BaseModelManifest.ReadAsync(context.Workspace.Resolve(BaseModelTask.Manifest.Path), ct);
            var inputs = await ReportInputs.ReadAsync(
                manifest.Name,
                context.Workspace.Resolve(PairTask.Statistics.Path),
                context.Workspace.Resolve(FineTuneTask.Metrics.Path),
                context.Workspace.Resolve(EvaluateTask.Results.Path),
                ct);
            await ReportRun.WriteAsync(inputs, run.Output(0), ct);
        },
    };
}
