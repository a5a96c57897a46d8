using System.Globalization;
using System.Text.Json.Serialization;
using Sonique.Training.Lora;

namespace Sonique.Training;

/// <summary>
/// How a LoRA is trained, for either backend. The defaults are the embedded default's (stories15M on a CPU);
/// <see cref="Sonique"/> holds SONIQUE's own settings for Mistral-7B-Instruct on a GPU.
/// </summary>
public sealed record FineTuneSettings
{
    public int Rank { get; init; } = 8;

    public float Alpha { get; init; } = 16;

    public float Dropout { get; init; } = 0.05f;

    /// <summary>"all-linear" (what SONIQUE targeted), or module names such as q_proj, v_proj.</summary>
    public IReadOnlyList<string> Targets { get; init; } = ["all-linear"];

    public int Epochs { get; init; } = 3;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>constant, linear or cosine, after the warmup.</summary>
    public string Schedule { get; init; } = "constant";

    public double WarmupRatio { get; init; } = 0.03;

    /// <summary>Examples per micro-batch; the optimizer steps every BatchSize x GradientAccumulation examples.</summary>
    public int BatchSize { get; init; } = 4;

    public int GradientAccumulation { get; init; } = 1;

    public double MaxGradNorm { get; init; } = 1.0;

    public double WeightDecay { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>Longest example in tokens; longer ones are skipped and reported. Unset: the model's context.</summary>
    public int? MaxSequence { get; init; }

    /// <summary>peft only: load the base model in 4-bit NF4 (QLoRA).</summary>
    public bool FourBit { get; init; }

    /// <summary>peft only: pack examples into full sequences.</summary>
    public bool Packing { get; init; }

    /// <summary>peft only: bf16 mixed precision.</summary>
    public bool Bf16 { get; init; }

    [JsonIgnore]
    public int ExamplesPerStep => BatchSize * GradientAccumulation;

    /// <summary>SONIQUE's fine-tuning of Mistral-7B-Instruct-v0.2 (docs/REFERENCE.md): QLoRA NF4, r=256, alpha=128,
    /// dropout 0.05, all linear layers, 3 epochs, lr 2e-4 constant, warmup 3%, batch 3 x accumulation 2, max grad
    /// norm 0.3, bf16, sequences of 3072 with packing.</summary>
    public static FineTuneSettings Sonique { get; } = new()
    {
        Rank = 256,
        Alpha = 128,
        Dropout = 0.05f,
        Epochs = 3,
        LearningRate = 2e-4,
        Schedule = "constant",
        WarmupRatio = 0.03,
        BatchSize = 3,
        GradientAccumulation = 2,
        MaxGradNorm = 0.3,
        MaxSequence = 3072,
        FourBit = true,
        Packing = true,
        Bf16 = true,
    };

    /// <summary>The settings as canonical JSON (part of a checkpoint's identity).</summary>
    public string ToJsonText() => System.Text.Json.JsonSerializer.Serialize(this);

    public LoraSettings ToLora() => new(Rank, Alpha, Dropout, LoraTarget.Parse(Targets));

    public IEnumerable<string> Problems()
    {
        // Both bounds of every number, stated: an absurd value is refused before a run allocates for it.
        (string Key, double? Value, double Min, double Max)[] ranges =
        [
            ("rank", Rank, 1, 4096),
            ("alpha", Alpha, 0.001, 100_000),
            ("dropout", Dropout, 0, 0.99),
            ("epochs", Epochs, 1, 1000),
            ("learning_rate", LearningRate, 1e-9, 1),
            ("warmup_ratio", WarmupRatio, 0, 0.99),
            ("batch_size", BatchSize, 1, 4096),
            ("gradient_accumulation", GradientAccumulation, 1, 4096),
            ("max_grad_norm", MaxGradNorm, 0, 1000),
            ("weight_decay", WeightDecay, 0, 10),
            ("seed", Seed, 0, int.MaxValue),
            ("max_sequence", MaxSequence, 8, 1_048_576),
        ];
        foreach (var (key, value, min, max) in ranges.Where(r => r.Value is { } v && !(v >= r.Min && v <= r.Max)))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{key} must be between {min} and {max}, not {value}");
        }

        if (!LearningRateSchedule.Names.Contains(Schedule, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"schedule '{Schedule}' is not one of {string.Join(", ", LearningRateSchedule.Names)}";
        }

        string? targetProblem = null;
        try
        {
            LoraTarget.Parse(Targets);
        }
        catch (ArgumentException e)
        {
            targetProblem = e.Message;
        }

        if (targetProblem is not null)
        {
            yield return targetProblem;
        }
    }
}
