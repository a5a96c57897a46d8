using Sonique.Gguf;

namespace Sonique.Training.Tests;

/// <summary>A llama-architecture GGUF with random weights, small enough for finite differences: written by the
/// test, read by the code under test exactly as a real model is, and loadable by llama.cpp (it carries a small
/// SentencePiece-style vocabulary of placeholder pieces, so tests feed it token ids).</summary>
internal static class TinyLlama
{
    public const int Embedding = 16;
    public const int Heads = 4;
    public const int FeedForward = 24;
    public const int Vocabulary = 40;
    public const int Context = 32;

    public static async Task<string> WriteAsync(string path, int layers = 2, int kvHeads = Heads, int seed = 3, bool tied = false, TinyLlamaRope? rope = null, GgmlType type = GgmlType.F32)
    {
        var random = new Random(seed);
        float[] Values(int count, float scale) => Enumerable.Range(0, count).Select(_ => ((random.NextSingle() * 2) - 1) * scale).ToArray();
        float[] Ones(int count) => Enumerable.Range(0, count).Select(_ => 1f + (((random.NextSingle() * 2) - 1) * 0.1f)).ToArray();
        var kv = Embedding / Heads * kvHeads;
        var writer = new GgufWriter()
            .Add(GgufFile.ArchitectureKey, "llama")
            .Add("llama.embedding_length", (uint)Embedding)
            .Add("llama.block_count", (uint)layers)
            .Add("llama.feed_forward_length", (uint)FeedForward)
            .Add("llama.attention.head_count", (uint)Heads)
            .Add("llama.attention.head_count_kv", (uint)kvHeads)
            .Add("llama.context_length", (uint)Context)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", GgufValue.Array(Enumerable.Range(0, Vocabulary).Select(i => i switch { 0 => "<unk>", 1 => "<s>", 2 => "</s>", 3 => "<0x0A>", _ => $"▁t{i}" }).ToArray()))
            .Add("tokenizer.ggml.scores", GgufValue.Array(Enumerable.Range(0, Vocabulary).Select(i => -(float)i).ToArray()))
            .Add("tokenizer.ggml.token_type", GgufValue.Array(Enumerable.Range(0, Vocabulary).Select(i => i switch { 0 => 2, 1 or 2 => 3, 3 => 6, _ => 1 }).ToArray()))
            .Add("tokenizer.ggml.unknown_token_id", 0u)
            .Add("tokenizer.ggml.bos_token_id", 1u)
            .Add("tokenizer.ggml.eos_token_id", 2u);
        if (rope is not null)
        {
            writer.Add("llama.rope.freq_base", rope.FrequencyBase);
            if (rope.LinearFactor is { } factor)
            {
                writer.Add("llama.rope.scaling.type", "linear").Add("llama.rope.scaling.factor", factor);
            }

            if (rope.FrequencyFactors is { } factors)
            {
                writer.AddTensor("rope_freqs.weight", [factors.Length], factors);
            }
        }

        // As llama.cpp's converters: matrices in the model's type, 1-D norms in F32.
        writer.AddTensor("token_embd.weight", [Embedding, Vocabulary], Values(Embedding * Vocabulary, 0.5f), type)
            .AddTensor("output_norm.weight", [Embedding], Ones(Embedding));
        if (!tied)
        {
            writer.AddTensor("output.weight", [Embedding, Vocabulary], Values(Embedding * Vocabulary, 0.5f), type);
        }

        for (var layer = 0; layer < layers; layer++)
        {
            var block = $"blk.{layer}.";
            writer.AddTensor(block + "attn_norm.weight", [Embedding], Ones(Embedding))
                .AddTensor(block + "ffn_norm.weight", [Embedding], Ones(Embedding))
                .AddTensor(block + "attn_q.weight", [Embedding, Embedding], Values(Embedding * Embedding, 0.4f), type)
                .AddTensor(block + "attn_k.weight", [Embedding, kv], Values(Embedding * kv, 0.4f), type)
                .AddTensor(block + "attn_v.weight", [Embedding, kv], Values(Embedding * kv, 0.4f), type)
                .AddTensor(block + "attn_output.weight", [Embedding, Embedding], Values(Embedding * Embedding, 0.4f), type)
                .AddTensor(block + "ffn_gate.weight", [Embedding, FeedForward], Values(Embedding * FeedForward, 0.4f), type)
                .AddTensor(block + "ffn_up.weight", [Embedding, FeedForward], Values(Embedding * FeedForward, 0.4f), type)
                .AddTensor(block + "ffn_down.weight", [FeedForward, Embedding], Values(FeedForward * Embedding, 0.4f), type);
        }

        await writer.WriteAsync(path, CancellationToken.None);
        return path;
    }

    /// <summary>Token sequences with a pattern to learn: each is a run counting up from a random start.</summary>
    public static List<Sonique.Training.Lora.TrainingExample> CountingExamples(int count, int length, int seed = 5)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var start = random.Next(Vocabulary);
            var tokens = Enumerable.Range(0, length).Select(k => (start + k) % Vocabulary).ToArray();
            return new Sonique.Training.Lora.TrainingExample($"count-{i}", tokens, length / 2);
        }).ToList();
    }
}

/// <summary>RoPE settings of a tiny model: its base, linear scaling, and Llama 3's per-frequency divisors.</summary>
internal sealed record TinyLlamaRope(float FrequencyBase, float? LinearFactor = null, float[]? FrequencyFactors = null);
