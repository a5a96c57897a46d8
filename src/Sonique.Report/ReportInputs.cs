using Sonique.Dataset.Pairs;
using Sonique.Evaluation;
using Sonique.Training;

namespace Sonique.Report;

/// <summary>What one stage did in the run that wrote the report.</summary>
public sealed record StageSummary(string Stage, int Items, int Ran, int Restored, int Fresh, int Failed, double Seconds);

/// <summary>Everything the report shows, read from the stages' files (and the run that wrote it).</summary>
public sealed record ReportInputs(
    string Model,
    DatasetStatistics Dataset,
    IReadOnlyList<TrainingEvent> Training,
    EvaluationResult Evaluation,
    IReadOnlyList<StageSummary> Run,
    DateTimeOffset Written)
{
    public static async Task<ReportInputs> ReadAsync(string model, string statisticsJson, string trainingMetrics, string evaluationFolder, IReadOnlyList<StageSummary> run, DateTimeOffset written, CancellationToken ct)
    {
        var dataset = DatasetStatistics.FromJson(await File.ReadAllTextAsync(statisticsJson, ct));
        var training = (await File.ReadAllLinesAsync(trainingMetrics, ct)).Select(TrainingEvent.TryParse).OfType<TrainingEvent>().ToList();
        var evaluation = await EvaluationResult.ReadAsync(evaluationFolder, ct);
        return new ReportInputs(model, dataset, training, evaluation, run, written);
    }

    public ModelMetrics Base => Evaluation.Metrics(EvaluationRun.BaseModel);

    public ModelMetrics FineTuned => Evaluation.Metrics(EvaluationRun.FineTunedModel);

    /// <summary>The reference tags of the test clips, counted as the models' tags are.</summary>
    public IReadOnlyList<TagCount> ReferenceTags => Evaluation.ReferenceTags;
}
