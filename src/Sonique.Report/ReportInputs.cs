using Sonique.Dataset.Pairs;
using Sonique.Evaluation;
using Sonique.Training;

namespace Sonique.Report;

/// <summary>
/// Everything the report shows, read from the stages' files and nothing else: no date, no timings, no account of the
/// run that wrote it (the run record in cache/ keeps those), so the same inputs give the same report, byte for byte.
/// </summary>
public sealed record ReportInputs(
    string Model,
    DatasetStatistics Dataset,
    IReadOnlyList<TrainingEvent> Training,
    EvaluationResult Evaluation)
{
    public static async Task<ReportInputs> ReadAsync(string model, string statisticsJson, string trainingMetrics, string evaluationJson, CancellationToken ct)
    {
        var dataset = DatasetStatistics.FromJson(await File.ReadAllTextAsync(statisticsJson, ct));
        var training = (await File.ReadAllLinesAsync(trainingMetrics, ct)).Select(TrainingEvent.TryParse).OfType<TrainingEvent>().ToList();
        var evaluation = await EvaluationResult.ReadAsync(evaluationJson, ct);
        return new ReportInputs(model, dataset, training, evaluation);
    }

    public ModelMetrics Base => Evaluation.Metrics(EvaluationRun.BaseModel);

    public ModelMetrics FineTuned => Evaluation.Metrics(EvaluationRun.FineTunedModel);

    /// <summary>The reference tags of the test clips, counted as the models' tags are.</summary>
    public IReadOnlyList<TagCount> ReferenceTags => Evaluation.ReferenceTags;
}
