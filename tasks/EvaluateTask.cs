using System.Globalization;
using Cake.Core.Diagnostics;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Evaluation;
using Sonique.Llm.BaseModels;

namespace Sonique.Build.Tasks;

/// <summary>
/// The base model and the fine-tuned model answer every test clip (same prompt, greedy); both are scored on tag
/// precision, recall and F1, tempo error and tag diversity.
/// </summary>
[TaskName("Evaluate")]
[TaskDescription("Base against fine-tuned on the test split: tag F1, tempo error, diversity, into artifacts/evaluation/")]
public sealed class EvaluateTask : StageTask
{
    public static readonly FileArtifact Folder = new(typeof(EvaluateTask), "artifacts/evaluation/");

    /// <summary>Per model: the metrics; per test clip: every model's answer (what the report reads).</summary>
    public static readonly FileArtifact Results = Folder.File(EvaluationResult.JsonFile);

    /// <summary>The same answers for a spreadsheet.</summary>
    public static readonly FileArtifact Answers = Folder.File(EvaluationResult.CsvFile);

    /// <summary>The test split's clips by id (splits.csv), each clip's description and tags by that id, test.jsonl to
    /// check them against, the training split's vocabulary, and the two models.</summary>
    public override IReadOnlyList<Artifact> Reads =>
    [
        PairTask.Splits, PairTask.Test, PairTask.Train, DescribeVideoTask.Description, TagAudioTask.Tags,
        BaseModelTask.Manifest, BaseModelTask.Stories15MGguf, FineTuneTask.Adapter,
    ];

    public override IReadOnlyList<Artifact> Writes => [Results, Answers];

    public override StageDefinition Define(SoniqueContext context)
    {
        var generate = context.Config.Generate;
        var model = context.Config.BaseModel;
        return new UnitStage("Evaluate", version: 1)
        {
            Inputs =
            [
                PairTask.Test.Path, PairTask.Splits.Path, PairTask.Train.Path, DescribeVideoTask.Description.EveryClip, TagAudioTask.Tags.EveryClip,
                BaseModelTask.Manifest.Path, FineTuneTask.Adapter.Path, .. model.Inputs,
            ],
            Parameters = context.ParametersOf(c => c.Generate, c => c.BaseModel.Model),
            Outputs = [Folder.Path],
            Run = async (run, ct) =>
            {
                var manifest = await BaseModelManifest.ReadAsync(context.Workspace.Resolve(BaseModelTask.Manifest.Path), ct);
                var modelPath = manifest.Resolve(context.Workspace.Root);
                using var bar = LiveBar.ForThisConsole();
                var progress = new ModelProgress(bar);
                var result = await EvaluationRun.RunAsync(
                    context.Workspace.Resolve(PairTask.Test.Path),
                    context.Workspace.Resolve(PairTask.Splits.Path),
                    async (clip, token) => await PairTask.ReadPairAsync(context.Workspace, clip, token)
                        ?? throw new InvalidDataException($"The test clip '{clip}' has no description or no tags any more: rerun Pair."),
                    context.Workspace.Resolve(PairTask.Train.Path),
                    lora => generate.ToOptions(modelPath, lora),
                    context.Workspace.Resolve(FineTuneTask.Adapter.Path),
                    generate.PromptStyle,
                    context.Config.Pair.Test,
                    run.Output(0),
                    progress,
                    ct);
                bar.Finish();
                foreach (var m in result.Models)
                {
                    context.Log.Information(string.Create(CultureInfo.InvariantCulture,
                        $"Evaluate: {m.Model}: {m.Parsed}/{m.Answers} answers parse, tag F1 {m.F1:F3}, {m.DistinctTags} distinct tags"));
                }
            },
        };
    }

    /// <summary>One bar per model, restarted when the next model begins.</summary>
    private sealed class ModelProgress(LiveBar bar) : IProgress<(string Model, int Done, int Total)>
    {
        private string? _model;

        public void Report((string Model, int Done, int Total) value)
        {
            if (value.Model != _model)
            {
                bar.Finish();
                bar.Start(value.Total, $"Evaluate: {value.Model}");
                _model = value.Model;
            }

            bar.Update(value.Done, string.Create(CultureInfo.InvariantCulture, $"Evaluate: {value.Model}: {value.Done}/{value.Total} clips answered"));
        }
    }
}
