using Sonique.Build.Frosting;
using Sonique.Build.Host;
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
public sealed class FineTuneTask : StageTask
{
    public static readonly FileArtifact Folder = new(typeof(FineTuneTask), "artifacts/finetune/");

    /// <summary>The LoRA adapter, a GGUF that LLamaSharp and llama.cpp load onto the base model.</summary>
    public static readonly FileArtifact Adapter = Folder.File(TrainingJob.AdapterFile);

    /// <summary>Every metric the trainer reported, one JSON object per line (the report's loss curves).</summary>
    public static readonly FileArtifact Metrics = Folder.File(FineTuneRun.MetricsFile);

    /// <summary>What was trained and how, with workspace-relative paths.</summary>
    public static readonly FileArtifact Job = Folder.File(FineTuneRun.JobFile);

    /// <summary>The base model with the adapter folded in (with finetune.merge).</summary>
    public static readonly FileArtifact Merged = Folder.File(TrainingJob.MergedFile);

    public override IReadOnlyList<Artifact> Reads => [PairTask.Train, PairTask.Validation, BaseModelTask.Manifest, BaseModelTask.Stories15MGguf];

    public override IReadOnlyList<Artifact> Writes => [Adapter, Metrics, Job, Merged];

    /// <summary>Training wants a GPU node (slurm.stages.FineTune), not the login node.</summary>
    public override bool WantsItsOwnNode => true;

    public override StageDefinition Define(SoniqueContext context)
    {
        var config = context.Config.FineTune;
        var model = context.Config.BaseModel;
        return new UnitStage("FineTune", version: 1)
        {
            Inputs = [PairTask.Train.Path, PairTask.Validation.Path, BaseModelTask.Manifest.Path, .. model.Inputs],
            // The template shapes every training sequence.
            Parameters = context.ParametersOf(c => c.FineTune, c => c.Generate.Template, c => c.BaseModel.Model),
            Outputs = [Folder.Path],
            Run = async (run, ct) =>
            {
                var manifest = await BaseModelManifest.ReadAsync(context.Workspace.Resolve(BaseModelTask.Manifest.Path), ct);
                var job = new TrainingJob
                {
                    Model = manifest.Resolve(context.Workspace.Root),
                    Train = context.Workspace.Resolve(PairTask.Train.Path),
                    Validation = context.Workspace.Resolve(PairTask.Validation.Path),
                    Template = context.Config.Generate.Template,
                    Output = run.Output(0),
                    Checkpoints = context.Workspace.Resolve(ArtifactPaths.FineTuneCheckpoints),
                    Settings = config.ToSettings(),
                    Threads = config.Threads,
                    Merge = config.Merge,
                };
                using var progress = TrainingProgress.ForThisConsole("FineTune");
                await FineTuneRun.RunAsync(job, job.RelativeTo(context.Workspace, Folder.Path.TrimEnd('/')), config.IsPeft ? config.Peft.ToRunner(context.Workspace.Root) : null, progress.On, ct);
            },
        };
    }
}
