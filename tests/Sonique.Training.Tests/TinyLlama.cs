using Sonique.Gguf;

namespace Sonique.Training.Tests;

/// <summary>A llama-architecture GGUF with random weights, small enough for finite differences: written by the
/// test, read by the code under test exactly as a real model is.</summary>
internal static class TinyLlama
{
    public const int Embedding = 16;
    public const int Heads = 4;
    public const int FeedForward = 24;
    public const int Vocabulary = 40;
    public const int Context = 32;

    public static async Task<string> WriteAsync(string path, int layers = 2, int kvHeads = Heads, int seed = 3, bool tied = false)
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
            .AddTensor("token_embd.weight", [Embedding, Vocabulary], Values(Embedding * Vocabulary, 0.5f))
            .AddTensor("output_norm.weight", [Embedding], Ones(Embedding));
        if (!tied)
        {
            writer.AddTensor("output.weight", [Embedding, Vocabulary], Values(Embedding * Vocabulary, 0.5f));
        }

        for (var layer = 0; layer < layers; layer++)
        {
            var block = $"blk.{layer}.";
            writer.AddTensor(block + "attn_norm.weight", [Embedding], Ones(Embedding))
                .AddTensor(block + "ffn_norm.weight", [Embedding], Ones(Embedding))
                .AddTensor(block + "attn_q.weight", [Embedding, Embedding], Values(Embedding * Embedding, 0.4f))
                .AddTensor(block + "attn_k.weight", [Embedding, kv], Values(Embedding * kv, 0.4f))
                .AddTensor(block + "attn_v.weight", [Embedding, kv], Values(Embedding * kv, 0.4f))
                .AddTensor(block + "attn_output.weight", [Embedding, Embedding], Values(Embedding * Embedding, 0.4f))
                .AddTensor(block + "ffn_gate.weight", [Embedding, FeedForward], Values(Embedding * FeedForward, 0.4f))
                .AddTensor(block + "ffn_up.weight", [Embedding, FeedForward], Values(Embedding * FeedForward, 0.4f))
                .AddTensor(block + "ffn_down.weight", [FeedForward, Embedding], Values(FeedForward * Embedding, 0.4f));
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
