using System.Globalization;
using Sonique.Training;
using Sonique.Training.Peft;

namespace Sonique.Build.Host;

/// <summary>
/// The FineTune stage: which trainer, from which preset, with which overrides. Every unset value comes from the
/// preset: <c>embedded</c> (stories15M on a CPU) or <c>sonique</c> (the original's Mistral-7B QLoRA).
/// </summary>
public sealed class FineTuneConfig
{
    private static readonly Dictionary<string, FineTuneSettings> Presets = new(StringComparer.OrdinalIgnoreCase)
    {
        // stories15M never learned to write tokens such as " Bass" or "PM": without a LoRA on its output
        // projection, validation loss stays near 2.4 per answer token; with one it falls to 0.2 in 3 epochs.
        ["embedded"] = new FineTuneSettings { Targets = ["all-linear", "lm_head"] },
        ["sonique"] = FineTuneSettings.Sonique,
    };

    private static readonly string[] Backends = ["llama", "peft"];

    /// <summary>llama (in-process ggml, CPU; the default) or peft (Python transformers + peft, for GPUs).</summary>
    public string Backend { get; set; } = "llama";

    public string Preset { get; set; } = "embedded";

    public int? Rank { get; set; }

    public float? Alpha { get; set; }

    public float? Dropout { get; set; }

    public List<string>? Targets { get; set; }

    public int? Epochs { get; set; }

    public double? LearningRate { get; set; }

    public string? Schedule { get; set; }

    public double? WarmupRatio { get; set; }

    public int? BatchSize { get; set; }

    public int? GradientAccumulation { get; set; }

    public double? MaxGradNorm { get; set; }

    public double? WeightDecay { get; set; }

    public int? Seed { get; set; }

    public int? MaxSequence { get; set; }

    /// <summary>llama backend: CPU threads (unset: one per logical processor). Not a parameter: the result is the same.</summary>
    public int? Threads { get; set; }

    /// <summary>llama backend: also write the base model with the adapter folded in (artifacts/finetune/merged.gguf).</summary>
    public bool Merge { get; set; }

    public PeftConfig Peft { get; set; } = new();

    public FineTuneSettings ToSettings()
    {
        var preset = Presets.GetValueOrDefault(Preset) ?? Presets["embedded"];
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

    public bool IsPeft => Backend.Equals("peft", StringComparison.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, string> Parameters()
    {
        var parameters = new Dictionary<string, string>
        {
            ["backend"] = Backend.ToLowerInvariant(),
            ["settings"] = ToSettings().ToJsonText(),
            ["merge"] = Merge.ToString(CultureInfo.InvariantCulture),
        };
        if (IsPeft)
        {
            parameters["peft.model"] = Peft.Model ?? "";
            parameters["peft.runner"] = Peft.Runner;
        }

        return parameters;
    }

    internal IEnumerable<string> Problems()
    {
        if (!Backends.Contains(Backend, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"finetune.backend '{Backend}' is not one of {string.Join(", ", Backends)}";
        }

        if (!Presets.ContainsKey(Preset))
        {
            yield return $"finetune.preset '{Preset}' is not one of {string.Join(", ", Presets.Keys)}";
        }

        foreach (var problem in ToSettings().Problems())
        {
            yield return "finetune." + problem;
        }

        foreach (var problem in NumberRange.Problems(("finetune.threads", Threads, 1, 1024)))
        {
            yield return problem;
        }

        foreach (var problem in Peft.Problems())
        {
            yield return problem;
        }
    }
}

/// <summary>The Python trainer: where it runs and on what model.</summary>
public sealed class PeftConfig
{
    private static readonly string[] Runners = ["local", "docker"];

    /// <summary>local (a Python with torch, transformers and peft) or docker (the image built from the trainer's Dockerfile).</summary>
    public string Runner { get; set; } = "local";

    public string Python { get; set; } = "python3";

    public string Docker { get; set; } = "docker";

    public string Image { get; set; } = "sonique-peft:latest";

    /// <summary>The Hugging Face model to train (a folder, or a hub id where the hub is reachable), the same model
    /// as base_model.model's GGUF, which Evaluate runs the converted adapter on. Unset: the base model's GGUF,
    /// exported to a Hugging Face folder by our code (llama architecture; stories15M by default).</summary>
    public string? Model { get; set; }

    public bool? FourBit { get; set; }

    public bool? Packing { get; set; }

    public bool? Bf16 { get; set; }

    public PeftRunner ToRunner(string workspaceRoot) =>
        new(Runner, Python, Docker, Image, Model is null ? "" : Directory.Exists(Path.Combine(workspaceRoot, Model)) ? Path.GetFullPath(Model, workspaceRoot) : Model);

    internal IEnumerable<string> Problems()
    {
        if (!Runners.Contains(Runner, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"finetune.peft.runner '{Runner}' is not one of {string.Join(", ", Runners)}";
        }
    }
}
