using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Dataset.Pairs;
using Sonique.Engine;
using Sonique.Llm.BaseModels;
using Sonique.Report;
using Sonique.Training;

namespace Sonique.Build.Tasks;

/// <summary>
/// The dataset, the training and the evaluation as one self-contained HTML page with charts, and a Markdown
/// summary, ending in a verdict computed from the numbers. Nothing of the run that wrote them (dates, timings: the
/// run record, cache/run.json, keeps those), so the same inputs give the same bytes.
/// </summary>
[TaskName("Report")]
[TaskDescription("Write artifacts/report/report.html (self-contained, with charts) and summary.md")]
[IsDependentOn(typeof(EvaluateTask))]
public sealed class ReportTask : StageTask
{
    public override StageDefinition Define(SoniqueContext context) => new UnitStage("Report", version: 1)
    {
        Inputs =
        [
            ArtifactPaths.PairsFile(PairDataset.StatisticsFile), $"{ArtifactPaths.FineTune}/{FineTuneRun.MetricsFile}",
            ArtifactPaths.Evaluation + "/", ArtifactPaths.BaseModelManifest,
        ],
        Outputs = [ArtifactPaths.Report + "/"],
        Run = async (run, ct) =>
        {
            var manifest = await BaseModelManifest.ReadAsync(context.Workspace.Resolve(ArtifactPaths.BaseModelManifest), ct);
            var inputs = await ReportInputs.ReadAsync(
                manifest.Name,
                context.Workspace.Resolve(ArtifactPaths.PairsFile(PairDataset.StatisticsFile)),
                context.Workspace.Resolve($"{ArtifactPaths.FineTune}/{FineTuneRun.MetricsFile}"),
                context.Workspace.Resolve(ArtifactPaths.Evaluation),
                ct);
            await ReportRun.WriteAsync(inputs, run.Output(0), ct);
        },
    };
}
