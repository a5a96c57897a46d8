using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Dataset.Pairs;
using Sonique.Engine;
using Sonique.Llm.BaseModels;
using Sonique.Training;

namespace Sonique.Build.Tasks;

/// <summary>
/// A LoRA of the base model on the train split, with validation loss each epoch: by the in-process ggml trainer
/// (CPU) or the Python peft trainer (GPU). Checkpoints outlive a killed run in cache/finetune, so a rerun resumes.
/// </summary>
[TaskName("FineTune")]
[TaskDescription("Train a LoRA adapter on the train split (finetune.backend llama or peft) into artifacts/finetune/")]
[IsDependentOn(typeof(PairTask))]
[IsDependentOn(typeof(BaseModelTask))]
public sealed class FineTuneTask : StageTask
{
    public override StageDefinition Define(SoniqueContext context)
    {
        var config = context.Config.FineTune;
        var model = context.Config.BaseModel;
        return new UnitStage("FineTune", version: 1)
        {
            Inputs = [ArtifactPaths.PairsFile(PairDataset.TrainFile), ArtifactPaths.PairsFile(PairDataset.ValidationFile), ArtifactPaths.BaseModelManifest, .. model.Inputs],
            // The template shapes every training sequence.
            Parameters = context.ParametersOf(c => c.FineTune, c => c.Generate.Template, c => c.BaseModel.Model),
            Outputs = [ArtifactPaths.FineTune + "/"],
            Run = async (run, ct) =>
            {
                var manifest = await BaseModelManifest.ReadAsync(context.Workspace.Resolve(ArtifactPaths.BaseModelManifest), ct);
                var job = new TrainingJob
                {
                    Model = manifest.Resolve(context.Workspace.Root),
                    Train = context.Workspace.Resolve(ArtifactPaths.PairsFile(PairDataset.TrainFile)),
                    Validation = context.Workspace.Resolve(ArtifactPaths.PairsFile(PairDataset.ValidationFile)),
                    Template = context.Config.Generate.Template,
                    Output = run.Output(0),
                    Checkpoints = context.Workspace.Resolve(ArtifactPaths.FineTuneCheckpoints),
                    Settings = config.ToSettings(),
                    Threads = config.Threads,
                    Merge = config.Merge,
                };
                using var progress = TrainingProgress.ForThisConsole("FineTune");
                await FineTuneRun.RunAsync(job, job.RelativeTo(context.Workspace, ArtifactPaths.FineTune), config.IsPeft ? config.Peft.ToRunner(context.Workspace.Root) : null, progress.On, ct);
            },
        };
    }
}
