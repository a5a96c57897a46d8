using Sonique.Gguf;

namespace Sonique.Tests.Shared;

/// <summary>The shape of a llama-architecture model with random weights: tiny ones for the tests' finite differences
/// and llama.cpp comparisons, real models' shapes (SmolLM2, Llama 3.2) for the training benchmark.</summary>
internal sealed record RandomLlamaShape(int Embedding, int Layers, int Heads, int KvHeads, int FeedForward, int Vocabulary, int Context, bool Tied)
{
    public float? RopeBase { get; init; }

    public float? LinearRopeFactor { get; init; }

    /// <summary>Llama 3's per-frequency RoPE divisors (rope_freqs.weight), one per rotated pair.</summary>
    public IReadOnlyList<float>? RopeFactors { get; init; }

    /// <summary>Placeholder pieces in tokenizer.ggml.*, so that llama.cpp loads the file (tests feed it token ids).</summary>
    public bool WithVocabulary { get; init; }
}

/// <summary>Writes a <see cref="RandomLlamaShape"/> as a GGUF, read by the code under test exactly as a real model.</summary>
internal static class RandomLlamaGguf
{
    public static async Task<string> WriteAsync(string path, RandomLlamaShape shape, int seed, GgmlType type, CancellationToken ct)
    {
        var random = new Random(seed);
        float[] Values(long count, float scale)
        {
            var values = new float[count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = ((random.NextSingle() * 2) - 1) * scale;
            }

            return values;
        }

        float[] Ones(int count) => Enumerable.Range(0, count).Select(_ => 1f + (((random.NextSingle() * 2) - 1) * 0.1f)).ToArray();
        var (e, v, ff) = (shape.Embedding, shape.Vocabulary, shape.FeedForward);
        var kv = e / shape.Heads * shape.KvHeads;
        // Weights scaled as 1/sqrt(embedding): activations keep their size through deep stacks (the norms do the rest).
        var scale = 1.6f / MathF.Sqrt(e);
        var writer = new GgufWriter()
            .Add(GgufFile.ArchitectureKey, "llama")
            .Add("llama.embedding_length", (uint)e)
            .Add("llama.block_count", (uint)shape.Layers)
            .Add("llama.feed_forward_length", (uint)ff)
            .Add("llama.attention.head_count", (uint)shape.Heads)
            .Add("llama.attention.head_count_kv", (uint)shape.KvHeads)
            .Add("llama.context_length", (uint)shape.Context)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        if (shape.WithVocabulary)
        {
            writer.Add("tokenizer.ggml.model", "llama")
                .Add("tokenizer.ggml.tokens", GgufValue.Array(Enumerable.Range(0, v).Select(i => i switch { 0 => "<unk>", 1 => "<s>", 2 => "</s>", 3 => "<0x0A>", _ => $"▁t{i}" }).ToArray()))
                .Add("tokenizer.ggml.scores", GgufValue.Array(Enumerable.Range(0, v).Select(i => -(float)i).ToArray()))
                .Add("tokenizer.ggml.token_type", GgufValue.Array(Enumerable.Range(0, v).Select(i => i switch { 0 => 2, 1 or 2 => 3, 3 => 6, _ => 1 }).ToArray()))
                .Add("tokenizer.ggml.unknown_token_id", 0u)
                .Add("tokenizer.ggml.bos_token_id", 1u)
                .Add("tokenizer.ggml.eos_token_id", 2u);
        }

        if (shape.RopeBase is { } ropeBase)
        {
            writer.Add("llama.rope.freq_base", ropeBase);
        }

        if (shape.LinearRopeFactor is { } factor)
        {
            writer.Add("llama.rope.scaling.type", "linear").Add("llama.rope.scaling.factor", factor);
        }

        if (shape.RopeFactors is { } factors)
        {
            writer.AddTensor("rope_freqs.weight", [factors.Count], factors.ToArray());
        }

        // As llama.cpp's converters: matrices in the model's type, 1-D norms in F32.
        writer.AddTensor("token_embd.weight", [e, v], Values((long)e * v, 0.5f), type)
            .AddTensor("output_norm.weight", [e], Ones(e));
        if (!shape.Tied)
        {
            writer.AddTensor("output.weight", [e, v], Values((long)e * v, 0.5f), type);
        }

        for (var layer = 0; layer < shape.Layers; layer++)
        {
            ct.ThrowIfCancellationRequested();
            var block = $"blk.{layer}.";
            writer.AddTensor(block + "attn_norm.weight", [e], Ones(e))
                .AddTensor(block + "ffn_norm.weight", [e], Ones(e))
                .AddTensor(block + "attn_q.weight", [e, e], Values((long)e * e, scale), type)
                .AddTensor(block + "attn_k.weight", [e, kv], Values((long)e * kv, scale), type)
                .AddTensor(block + "attn_v.weight", [e, kv], Values((long)e * kv, scale), type)
                .AddTensor(block + "attn_output.weight", [e, e], Values((long)e * e, scale), type)
                .AddTensor(block + "ffn_gate.weight", [e, ff], Values((long)e * ff, scale), type)
                .AddTensor(block + "ffn_up.weight", [e, ff], Values((long)e * ff, scale), type)
                .AddTensor(block + "ffn_down.weight", [ff, e], Values((long)ff * e, scale), type);
        }

        await writer.WriteAsync(path, ct);
        return path;
    }
}
