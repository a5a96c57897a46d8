using Sonique.Gguf;

namespace Sonique.Training.Lora;

/// <summary>The hyperparameters of a llama-architecture GGUF that the training graph is built from.</summary>
public sealed record LlamaShape(
    int Embedding, int Layers, int Heads, int KvHeads, int FeedForward, int Vocabulary, int ContextLength,
    float RmsEpsilon, float RopeFrequencyBase, int RopeDimensions, bool TiedOutput)
{
    public int HeadSize => Embedding / Heads;

    /// <summary>Reads the shape, or says which key or tensor the file lacks for training.</summary>
    public static LlamaShape Of(GgufFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var architecture = model.Architecture ?? throw Problem(model, "has no general.architecture");
        if (architecture is not ("llama" or "mistral"))
        {
            throw Problem(model, $"is a '{architecture}' model; llama-architecture models only (the in-process trainer's graph, the peft adapter's layout)");
        }

        int Int(string key, int? fallback = null) =>
            model.TryGet($"{architecture}.{key}") is { } value ? checked((int)value.AsInt64())
            : fallback ?? throw Problem(model, $"has no {architecture}.{key}");
        float Float(string key, float fallback) => model.TryGet($"{architecture}.{key}")?.AsSingle() ?? fallback;

        var embedding = Int("embedding_length");
        var heads = Int("attention.head_count");
        var embeddings = model.TryGetTensor("token_embd.weight") ?? throw Problem(model, "has no token_embd.weight");
        var shape = new LlamaShape(
            embedding,
            Int("block_count"),
            heads,
            Int("attention.head_count_kv", heads),
            Int("feed_forward_length"),
            checked((int)embeddings.Dimensions[1]),
            Int("context_length"),
            Float("attention.layer_norm_rms_epsilon", 1e-5f),
            Float("rope.freq_base", 10000f),
            Int("rope.dimension_count", embedding / heads),
            TiedOutput: model.TryGetTensor("output.weight") is null);
        return shape;
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
