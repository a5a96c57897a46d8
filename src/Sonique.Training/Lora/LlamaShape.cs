using Sonique.Gguf;

namespace Sonique.Training.Lora;

/// <summary>The hyperparameters of a llama-architecture GGUF that the training graph is built from.</summary>
public sealed record LlamaShape(
    int Embedding, int Layers, int Heads, int KvHeads, int FeedForward, int Vocabulary, int ContextLength,
    float RmsEpsilon, float RopeFrequencyBase, int RopeDimensions, bool TiedOutput)
{
    /// <summary>The tensor of per-frequency RoPE divisors Llama 3.x files carry (llama.cpp's <c>rope_freqs</c>).</summary>
    public const string RopeFrequencyFactors = "rope_freqs.weight";

    public int HeadSize => Embedding / Heads;

    /// <summary>RoPE's position scale: 1 / <c>rope.scaling.factor</c> under linear scaling, else 1 (as llama.cpp sets it).</summary>
    public float RopeFrequencyScale { get; init; } = 1f;

    /// <summary>Whether the file carries <see cref="RopeFrequencyFactors"/>, which llama.cpp divides RoPE's frequencies by.</summary>
    public bool HasRopeFactors { get; init; }

    /// <summary>Reads the shape, or says which key or tensor the file lacks for training, or what it has that the graph
    /// cannot follow, before any native code sees the file.</summary>
    public static LlamaShape Of(GgufFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var architecture = model.Architecture ?? throw Problem(model, "has no general.architecture");
        if (architecture is not ("llama" or "mistral"))
        {
            throw Problem(model, $"is a '{architecture}' model; the in-process trainer and the peft adapter's layout take llama-architecture models only (Llama, Mistral, SmolLM2, TinyLlama; " +
                "Qwen2's Q/K/V biases and NeoX rotation are not in the graph): choose a llama-architecture base_model.model");
        }

        int Int(string key, int? fallback = null) =>
            model.TryGet($"{architecture}.{key}") is { } value ? checked((int)value.AsInt64())
            : fallback ?? throw Problem(model, $"has no {architecture}.{key}");
        float Float(string key, float fallback) => model.TryGet($"{architecture}.{key}")?.AsSingle() ?? fallback;

        var embedding = Int("embedding_length");
        var heads = Int("attention.head_count");
        var kvHeads = Int("attention.head_count_kv", heads);
        if (embedding < 1 || heads < 1 || kvHeads < 1 || embedding % heads != 0 || heads % kvHeads != 0)
        {
            throw Problem(model, $"has {embedding} embedding values, {heads} heads and {kvHeads} K/V heads; training needs the heads to divide the embedding and the K/V heads to divide the heads");
        }

        var headSize = embedding / heads;
        foreach (var key in new[] { "attention.key_length", "attention.value_length" })
        {
            if (Int(key, headSize) != headSize)
            {
                throw Problem(model, $"sets {architecture}.{key} to {Int(key)}, not embedding / heads = {headSize}; the graph takes heads of that size only");
            }
        }

        var ropeDimensions = Int("rope.dimension_count", headSize);
        if (ropeDimensions < 2 || ropeDimensions > headSize || ropeDimensions % 2 != 0)
        {
            throw Problem(model, $"rotates {ropeDimensions} dimensions of each head of {headSize}; RoPE needs an even count up to the head size");
        }

        var scale = 1f;
        var scaling = model.TryGet($"{architecture}.rope.scaling.type")?.AsString() ?? "none";
        switch (scaling)
        {
            case "none":
                break;
            case "linear":
                var factor = Float("rope.scaling.factor", 1f);
                if (!(factor > 0) || !float.IsFinite(factor))
                {
                    throw Problem(model, $"has linear RoPE scaling by a factor of {factor}; the factor must be positive");
                }

                scale = 1f / factor;
                break;
            default:
                throw Problem(model, $"uses '{scaling}' RoPE scaling; the in-process trainer follows none and linear scaling (and Llama 3's {RopeFrequencyFactors}): use finetune.backend: peft for this model");
        }

        var embeddings = model.TryGetTensor("token_embd.weight") ?? throw Problem(model, "has no token_embd.weight");
        return new LlamaShape(
            embedding,
            Int("block_count"),
            heads,
            kvHeads,
            Int("feed_forward_length"),
            checked((int)embeddings.Dimensions[^1]),
            Int("context_length"),
            Float("attention.layer_norm_rms_epsilon", 1e-5f),
            Float("rope.freq_base", 10000f),
            ropeDimensions,
            TiedOutput: model.TryGetTensor("output.weight") is null)
        {
            RopeFrequencyScale = scale,
            HasRopeFactors = model.TryGetTensor(RopeFrequencyFactors) is not null,
        };
    }

    /// <summary>The input and output sizes of a linear layer of this shape.</summary>
    public (int Input, int Output) Dimensions(LoraTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Gguf switch
        {
            "attn_k" or "attn_v" => (Embedding, KvHeads * HeadSize),
            "ffn_gate" or "ffn_up" => (Embedding, FeedForward),
            "ffn_down" => (FeedForward, Embedding),
            "output" => (Embedding, Vocabulary),
            _ => (Embedding, Embedding),
        };
    }

    /// <summary>
    /// Refuses LoRA targets llama.cpp could not apply to this model: a LoRA of the output projection names
    /// output.weight, which a model with a tied classifier does not have (stories15M as Sonique converts it has one).
    /// </summary>
    public void CheckTargets(IEnumerable<LoraTarget> targets, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (TiedOutput && targets.Contains(LoraTarget.Head))
        {
            throw new InvalidDataException($"Model '{modelPath}' ties its output projection to the embedding (it has no output.weight), so llama.cpp cannot apply a LoRA of lm_head to it: drop lm_head from finetune.targets.");
        }
    }

    private static InvalidDataException Problem(GgufFile model, string what) => new($"Model '{model.Path}' {what}.");
}
