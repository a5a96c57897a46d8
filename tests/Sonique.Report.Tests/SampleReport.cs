using Sonique.Dataset.Pairs;
using Sonique.Dataset.Tags;
using Sonique.Evaluation;
using Sonique.Media.Clips;
using Sonique.Training;

namespace Sonique.Report.Tests;

/// <summary>A report's inputs made by hand, with numbers the tests know: four test clips, a base model that
/// answers with stories, a fine-tuned one that gets three of four clips' tags right but always says "Piano".</summary>
internal static class SampleReport
{
    public static ReportInputs Inputs()
    {
        string[] references = ["Piano, Calm, 70 BPM", "Drums, Bass, 128 BPM", "Piano, Strings, 80 BPM", "Synth, Bass, 120 BPM"];
        string[] fineTuned = ["Piano, Calm, 72 BPM", "Drums, Bass, 126 BPM", "Piano, Strings, 80 BPM", "Piano, Bass, 120 BPM"];
        EvaluatedAnswer Answer(int i, string text) => new(ClipId.Parse($"clip-{i}"), $"Scene {i}.", TagParser.Parse(references[i]), TagParser.Parse(text), text);
        var evaluation = EvaluationResult.Of(
            [
                (EvaluationRun.BaseModel, references.Select((_, i) => Answer(i, "Once upon a time, there was a girl.")).ToList()),
                (EvaluationRun.FineTunedModel, fineTuned.Select((t, i) => Answer(i, t)).ToList()),
            ],
            new HashSet<string>(["Piano", "Calm", "Drums", "Bass", "Strings"], StringComparer.OrdinalIgnoreCase));
        var pairs = Enumerable.Range(0, 12).Select(i => new ClipPair(ClipId.Parse($"c{i}"), "d", references[i % 4], TagParser.Parse(references[i % 4]).Tags.SkipLast(1).ToList(), 70 + (10 * i))).ToList();
        var dataset = DatasetStatistics.Compute([.. pairs.Select((p, i) => (p, i < 8 ? DatasetSplit.Train : DatasetSplit.Test))], pairs.Take(8).ToList(), new BalanceOptions(null, null, 20));
        List<TrainingEvent> training =
        [
            new(TrainingEvent.Prepared) { Backend = "llama", Device = "CPU, 2 threads", Examples = 8, ValidationExamples = 2, Parameters = 1234, Steps = 4, Epochs = 2 },
            .. Enumerable.Range(1, 4).Select(s => new TrainingEvent(TrainingEvent.StepDone) { Step = s, Epoch = (s + 1) / 2, Loss = 3.0 / s }),
            new(TrainingEvent.EpochDone) { Epoch = 1, Step = 2, TrainLoss = 2.2, ValidationLoss = 1.9, Seconds = 3 },
            new(TrainingEvent.EpochDone) { Epoch = 2, Step = 4, TrainLoss = 0.9, ValidationLoss = 0.8, Seconds = 3 },
        ];
        return new ReportInputs("tiny", dataset, training, evaluation);
    }
}
