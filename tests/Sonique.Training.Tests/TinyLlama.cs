using Sonique.Gguf;
using Sonique.Tests.Shared;

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

    public static Task<string> WriteAsync(string path, int layers = 2, int kvHeads = Heads, int seed = 3, bool tied = false, TinyLlamaRope? rope = null, GgmlType type = GgmlType.F32) =>
        RandomLlamaGguf.WriteAsync(
            path,
            new RandomLlamaShape(Embedding, layers, Heads, kvHeads, FeedForward, Vocabulary, Context, tied)
            {
                RopeBase = rope?.FrequencyBase,
                LinearRopeFactor = rope?.LinearFactor,
                RopeFactors = rope?.FrequencyFactors,
                WithVocabulary = true,
            },
            seed,
            type,
            CancellationToken.None);

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
