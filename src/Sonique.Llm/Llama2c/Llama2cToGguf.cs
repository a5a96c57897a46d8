using System.Globalization;
using Sonique.Gguf;

namespace Sonique.Llm.Llama2c;

/// <summary>
/// Turns a llama2.c checkpoint and its tokenizer into a GGUF of architecture <c>llama</c> that llama.cpp loads, as
/// llama.cpp's own convert-llama2c-to-ggml does: weights copied unpermuted (llama2.c's RoPE already rotates
/// adjacent pairs, as llama.cpp's does for this architecture), the SentencePiece vocabulary in
/// <c>tokenizer.ggml.*</c>, and no <c>output.weight</c> when the classifier is tied (llama.cpp then reuses the
/// embedding). With <c>untieClassifier</c> a tied classifier is written out as its own <c>output.weight</c> (the same
/// values): llama.cpp applies LoRA adapters by tensor name, so only then can an adapter change the output projection.
/// </summary>
public static class Llama2cToGguf
{
    /// <summary>llama2.c's RMS norm epsilon (run.c adds 1e-5).</summary>
    private const float NormEpsilon = 1e-5f;

    /// <summary>The metadata of a <c>llama</c> GGUF of this shape, vocabulary included, before any tensor: the
    /// tensors follow under llama.cpp's names (<c>token_embd.weight</c>, <c>blk.N.attn_q.weight</c>, ...).</summary>
    public static GgufWriter Header(Llama2cConfig c, Llama2cVocabulary vocabulary, string name, GgmlType type)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (vocabulary.Pieces.Count != c.VocabularySize)
        {
            throw new ArgumentException($"the tokenizer has {vocabulary.Pieces.Count} tokens but the checkpoint's vocabulary is {c.VocabularySize}", nameof(vocabulary));
        }

        return new GgufWriter()
            .Add(GgufFile.ArchitectureKey, "llama")
            .Add("general.name", name)
            .Add("general.file_type", (uint)(type == GgmlType.F32 ? 0 : 1))
            .Add("llama.vocab_size", (uint)c.VocabularySize)
            .Add("llama.context_length", (uint)c.SequenceLength)
            .Add("llama.embedding_length", (uint)c.Dimension)
            .Add("llama.feed_forward_length", (uint)c.HiddenDimension)
            .Add("llama.block_count", (uint)c.Layers)
            .Add("llama.attention.head_count", (uint)c.Heads)
            .Add("llama.attention.head_count_kv", (uint)c.KvHeads)
            .Add("llama.rope.dimension_count", (uint)c.HeadSize)
            .Add("llama.attention.layer_norm_rms_epsilon", NormEpsilon)
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", GgufValue.Array(vocabulary.Pieces.ToArray()))
            .Add("tokenizer.ggml.scores", GgufValue.Array(vocabulary.Scores.ToArray()))
            .Add("tokenizer.ggml.token_type", GgufValue.Array(vocabulary.Kinds.Select(k => (int)k).ToArray()))
            .Add("tokenizer.ggml.unknown_token_id", (uint)Llama2cVocabulary.UnknownId)
            .Add("tokenizer.ggml.bos_token_id", (uint)Llama2cVocabulary.BeginId)
            .Add("tokenizer.ggml.eos_token_id", (uint)Llama2cVocabulary.EndId);
    }

    public static GgufWriter Convert(Llama2cCheckpoint checkpoint, Llama2cVocabulary vocabulary, string name, GgmlType type = GgmlType.F32, bool untieClassifier = false)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (type is not (GgmlType.F32 or GgmlType.F16))
        {
            throw new ArgumentException($"stories are converted to F32 or F16, not {type}", nameof(type));
        }

        var c = checkpoint.Config;
        var writer = Header(c, vocabulary, name, type);
        long dim = c.Dimension, hidden = c.HiddenDimension, kv = c.KvDimension;

        // Norm weights stay F32 whatever the type, as llama.cpp's converters keep 1-D tensors.
        writer.AddTensor("token_embd.weight", [dim, c.VocabularySize], checkpoint[checkpoint.TokenEmbedding], type);
        for (var layer = 0; layer < c.Layers; layer++)
        {
            var block = string.Create(CultureInfo.InvariantCulture, $"blk.{layer}.");
            writer.AddTensor(block + "attn_norm.weight", [dim], checkpoint.Layer(checkpoint.AttentionNorm, layer));
            writer.AddTensor(block + "attn_q.weight", [dim, dim], checkpoint.Layer(checkpoint.Query, layer), type);
            writer.AddTensor(block + "attn_k.weight", [dim, kv], checkpoint.Layer(checkpoint.Key, layer), type);
            writer.AddTensor(block + "attn_v.weight", [dim, kv], checkpoint.Layer(checkpoint.Value, layer), type);
            writer.AddTensor(block + "attn_output.weight", [dim, dim], checkpoint.Layer(checkpoint.Output, layer), type);
            writer.AddTensor(block + "ffn_norm.weight", [dim], checkpoint.Layer(checkpoint.FeedForwardNorm, layer));
            writer.AddTensor(block + "ffn_gate.weight", [dim, hidden], checkpoint.Layer(checkpoint.Gate, layer), type);
            writer.AddTensor(block + "ffn_down.weight", [hidden, dim], checkpoint.Layer(checkpoint.Down, layer), type);
            writer.AddTensor(block + "ffn_up.weight", [dim, hidden], checkpoint.Layer(checkpoint.Up, layer), type);
        }

        writer.AddTensor("output_norm.weight", [dim], checkpoint[checkpoint.FinalNorm]);
        if (!c.SharedClassifier)
        {
            writer.AddTensor("output.weight", [dim, c.VocabularySize], checkpoint[checkpoint.Classifier], type);
        }
        else if (untieClassifier)
        {
            writer.AddTensor("output.weight", [dim, c.VocabularySize], checkpoint[checkpoint.TokenEmbedding], type);
        }

        return writer;
    }
}
