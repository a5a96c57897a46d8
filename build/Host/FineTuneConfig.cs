using System.Reflection;
using Sonique.Engine;
using Sonique.Training;
using Sonique.Training.Peft;

namespace Sonique.Build.Host;

/// <summary>
/// The FineTune stage: which trainer, from which preset, with which overrides. Every unset value comes from the
/// preset: <c>embedded</c> (stories15M on a CPU) or <c>sonique</c> (the original's Mistral-7B QLoRA).
/// </summary>
public sealed class FineTuneConfig : IUnsetValues
{
    private static readonly Dictionary<FineTunePreset, FineTuneSettings> Presets = new()
    {
        // stories15M never learned to write tokens such as " Bass" or "PM": without a LoRA on its output
        // projection, validation loss stays near 2.4 per answer token; with one it falls to 0.2 in 3 epochs.
        [FineTunePreset.Embedded] = new FineTuneSettings { Targets = ["all-linear", "lm_head"] },
        [FineTunePreset.Sonique] = FineTuneSettings.Sonique,
    };

    [Setting("`llama` (in-process ggml trainer, CPU) or `peft` (the Python trainer, for GPUs)")]
    public FineTuneBackend Backend { get; set; } = FineTuneBackend.Llama;

    [Setting("`embedded` (the values below) or `sonique` (the original's: r=256, alpha=128, lr 2e-4, batch 3 x 2, max grad norm 0.3, 4-bit, packing, bf16, 3,072 tokens); every key below overrides it")]
    public FineTunePreset Preset { get; set; } = FineTunePreset.Embedded;

    [Setting("LoRA rank", Unset = "the preset's")]
    public int? Rank { get; set; }

    [Setting("LoRA alpha (the update is scaled by alpha / rank)", Unset = "the preset's")]
    public float? Alpha { get; set; }

    [Setting("dropout on each adapted layer's input", Unset = "the preset's")]
    public float? Dropout { get; set; }

    [Setting("`all-linear` (q, k, v, o, gate, up, down of every block) and/or module names (`q_proj`, ..., `lm_head`, or GGUF names `attn_q`, ..., `output`)", Unset = "the preset's", Example = "[q_proj, v_proj]")]
    public List<string>? Targets { get; set; }

    [Setting("passes over the training split", Unset = "the preset's")]
    public int? Epochs { get; set; }

    [Setting("peak learning rate", Unset = "the preset's")]
    public double? LearningRate { get; set; }

    [Setting("`constant`, `linear` or `cosine` after a linear warmup", Unset = "the preset's", Example = "cosine")]
    public string? Schedule { get; set; }

    [Setting("the share of the steps the warmup takes", Unset = "the preset's")]
    public double? WarmupRatio { get; set; }

    [Setting("examples per micro-batch", Unset = "the preset's")]
    public int? BatchSize { get; set; }

    [Setting("micro-batches per optimiser step: it steps every batch_size x gradient_accumulation examples", Unset = "the preset's")]
    public int? GradientAccumulation { get; set; }

    [Setting("gradient clipping (0: none)", Unset = "the preset's")]
    public double? MaxGradNorm { get; set; }

    [Setting("AdamW's decoupled weight decay", Unset = "the preset's")]
    public double? WeightDecay { get; set; }

    [Setting("LoRA initialisation, shuffling and dropout (per epoch, so a resumed run repeats the same steps)", Unset = "the preset's")]
    public int? Seed { get; set; }

    [Setting("longest example in tokens; longer ones are skipped and named", Unset = "the preset's (embedded: the model's context)", Example = "256")]
    public int? MaxSequence { get; set; }

    [Setting("`llama` backend: CPU threads", Min = 1, Max = 1024, Unset = "one per logical processor", Example = "2")]
    [NotInCacheKey("the trained adapter does not depend on how many threads compute it")]
    public int? Threads { get; set; }

    [Setting("`llama` backend: also write `artifacts/finetune/merged.gguf`, the base model with the adapter folded in")]
    public bool Merge { get; set; }

    [InCacheKeyWhen(nameof(Backend), FineTuneBackend.Peft)]
    public PeftConfig Peft { get; set; } = new();

    public FineTuneSettings ToSettings()
    {
        var preset = Presets[Preset];
        return preset with
        {
            Rank = Rank ?? preset.Rank,
            Alpha = Alpha ?? preset.Alpha,
            Dropout = Dropout ?? preset.Dropout,
            Targets = Targets ?? preset.Targets,
            Epochs = Epochs ?? preset.Epochs,
            LearningRate = LearningRate ?? preset.LearningRate,
            Schedule = Schedule ?? preset.Schedule,
            WarmupRatio = WarmupRatio ?? preset.WarmupRatio,
            BatchSize = BatchSize ?? preset.BatchSize,
            GradientAccumulation = GradientAccumulation ?? preset.GradientAccumulation,
            MaxGradNorm = MaxGradNorm ?? preset.MaxGradNorm,
            WeightDecay = WeightDecay ?? preset.WeightDecay,
            Seed = Seed ?? preset.Seed,
            MaxSequence = MaxSequence ?? preset.MaxSequence,
            FourBit = Peft.FourBit ?? preset.FourBit,
            Packing = Peft.Packing ?? preset.Packing,
            Bf16 = Peft.Bf16 ?? preset.Bf16,
        };
    }

    public bool IsPeft => Backend == FineTuneBackend.Peft;

    /// <summary>An override's value in the embedded preset, for the documentation.</summary>
    internal static object? EmbeddedValueOf(PropertyInfo setting) =>
        typeof(FineTuneSettings).GetProperty(setting.Name)?.GetValue(Presets[FineTunePreset.Embedded]);

    object? IUnsetValues.UnsetValueOf(PropertyInfo setting) => EmbeddedValueOf(setting);

    /// <summary>The numbers' ranges are the trainer's own (<see cref="FineTuneSettings.Problems"/>), checked on what the
    /// preset and the overrides make together.</summary>
    internal IEnumerable<string> Problems() => ToSettings().Problems().Select(problem => "finetune." + problem);
}

public enum FineTuneBackend
{
    Llama,
    Peft,
}

public enum FineTunePreset
{
    Embedded,
    Sonique,
}

public enum PeftRunnerKind
{
    Local,
    Docker,
}

/// <summary>The Python trainer: where it runs and on what model.</summary>
public sealed class PeftConfig : IUnsetValues
{
    [Setting("`local` (the `python` below, with `requirements.txt` installed) or `docker` (the image built from the trainer's `Dockerfile`, run with `--gpus all`)")]
    public PeftRunnerKind Runner { get; set; } = PeftRunnerKind.Local;

    [Setting("the Python that runs the trainer (`local`)")]
    [NotInCacheKey("where the trainer's interpreter lives, as tools.* are")]
    public string Python { get; set; } = "python3";

    [Setting("the docker command (`docker`)")]
    [NotInCacheKey("where the container tool lives, as tools.* are")]
    public string Docker { get; set; } = "docker";

    [Setting("the trainer's image (`docker`)")]
    [NotInCacheKey("the trainer built from this repository's Dockerfile, whatever its tag")]
    public string Image { get; set; } = "sonique-peft:latest";

    [Setting("the Hugging Face model to train (a folder, or a hub id where the hub is reachable); the same model as `base_model.model`", Unset = "the base model, exported", Example = "models/Mistral-7B-Instruct-v0.2")]
    public string? Model { get; set; }

    [Setting("QLoRA NF4 (needs bitsandbytes)", Unset = "the preset's")]
    public bool? FourBit { get; set; }

    [Setting("packing examples into full sequences", Unset = "the preset's")]
    public bool? Packing { get; set; }

    [Setting("bf16 mixed precision", Unset = "the preset's")]
    public bool? Bf16 { get; set; }

    object? IUnsetValues.UnsetValueOf(PropertyInfo setting) => FineTuneConfig.EmbeddedValueOf(setting);

    public PeftRunner ToRunner(string workspaceRoot) =>
        new(Runner.ToString(), Python, Docker, Image, Model is null ? "" : Directory.Exists(Path.Combine(workspaceRoot, Model)) ? Path.GetFullPath(Model, workspaceRoot) : Model);
}
