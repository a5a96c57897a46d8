using System.Globalization;
using Cake.Core.Diagnostics;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Dataset.Pairs;
using Sonique.Engine;
using Sonique.Evaluation;
using Sonique.Llm.BaseModels;
using Sonique.Training;

namespace Sonique.Build.Tasks;

/// <summary>
/// The base model and the fine-tuned model answer every test clip (same prompt, greedy); both are scored on tag
/// precision, recall and F1, tempo error and tag diversity.
/// </summary>
[TaskName("Evaluate")]
[TaskDescription("Base against fine-tuned on the test split: tag F1, tempo error, diversity, into artifacts/evaluation/")]
[IsDependentOn(typeof(FineTuneTask))]
public sealed class EvaluateTask : StageTask
{
    public override StageDefinition Define(SoniqueContext context)
    {
        var generate = context.Config.Generate;
        var model = context.Config.BaseModel;
        var adapter = $"{ArtifactPaths.FineTune}/{TrainingJob.AdapterFile}";
        return new UnitStage("Evaluate", version: 1)
        {
            Inputs =
            [
                ArtifactPaths.PairsFile(PairDataset.TestFile), ArtifactPaths.PairsFile(PairDataset.SplitsFile), ArtifactPaths.PairsFile(PairDataset.TrainFile),
                ArtifactPaths.BaseModelManifest, adapter, .. model.Inputs,
            ],
            Parameters = context.ParametersOf(c => c.Generate, c => c.BaseModel.Model),
            Outputs = [ArtifactPaths.Evaluation + "/"],
            Run = async (run, ct) =>
            {
                var manifest = await BaseModelManifest.ReadAsync(context.Workspace.Resolve(ArtifactPaths.BaseModelManifest), ct);
                var modelPath = manifest.Resolve(context.Workspace.Root);
                using var bar = LiveBar.ForThisConsole();
                var progress = new ModelProgress(bar);
                var result = await EvaluationRun.RunAsync(
                    context.Workspace.Resolve(ArtifactPaths.PairsFile(PairDataset.TestFile)),
                    context.Workspace.Resolve(ArtifactPaths.PairsFile(PairDataset.SplitsFile)),
                    context.Workspace.Resolve(ArtifactPaths.PairsFile(PairDataset.TrainFile)),
                    lora => generate.ToOptions(modelPath, lora),
                    context.Workspace.Resolve(adapter),
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
