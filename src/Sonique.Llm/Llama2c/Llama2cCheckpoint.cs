using System.Runtime.InteropServices;

namespace Sonique.Llm.Llama2c;

/// <summary>
/// A llama2.c <c>model.bin</c>: its configuration and float32 weights, laid out as llama2.c's run.c maps them.
/// Every matrix is row-major [out, in], which is ggml's [in, out]: the weights go into GGUF unchanged.
/// </summary>
public sealed class Llama2cCheckpoint
{
    private readonly float[] _weights;

    private Llama2cCheckpoint(Llama2cConfig config, float[] weights)
    {
        Config = config;
        _weights = weights;
        var dim = (long)config.Dimension;
        var hidden = (long)config.HiddenDimension;
        var layers = (long)config.Layers;
        var kv = (long)config.KvDimension;
        var offset = 0L;
        Range Next(long count)
        {
            var range = new Range((int)offset, (int)(offset + count));
            offset += count;
            return range;
        }

        TokenEmbedding = Next(config.VocabularySize * dim);
        AttentionNorm = Next(layers * dim);
        Query = Next(layers * dim * dim);
        Key = Next(layers * dim * kv);
        Value = Next(layers * dim * kv);
        Output = Next(layers * dim * dim);
        FeedForwardNorm = Next(layers * dim);
        Gate = Next(layers * hidden * dim);
        Down = Next(layers * dim * hidden);
        Up = Next(layers * hidden * dim);
        FinalNorm = Next(dim);

        // Two RoPE tables of the old format follow; llama.cpp computes RoPE itself, so they are skipped.
        offset += config.SequenceLength * (long)config.HeadSize;
        Classifier = config.SharedClassifier ? TokenEmbedding : Next(config.VocabularySize * dim);
    }

    public Llama2cConfig Config { get; }

    public Range TokenEmbedding { get; }

    public Range AttentionNorm { get; }

    public Range Query { get; }

    public Range Key { get; }

    public Range Value { get; }

    public Range Output { get; }

    public Range FeedForwardNorm { get; }

    public Range Gate { get; }

    public Range Down { get; }

    public Range Up { get; }

    public Range FinalNorm { get; }

    public Range Classifier { get; }

    public ReadOnlySpan<float> this[Range range] => _weights.AsSpan(range);

    /// <summary>Layer <paramref name="layer"/>'s slice of a per-layer tensor.</summary>
    public ReadOnlySpan<float> Layer(Range tensor, int layer)
    {
        var all = this[tensor];
        var size = all.Length / Config.Layers;
        return all.Slice(layer * size, size);
    }

    public static Llama2cCheckpoint Read(ReadOnlySpan<byte> file)
    {
        var config = Llama2cConfig.Read(file);
        var expected = config.WeightCount * sizeof(float);
        var actual = file.Length - Llama2cConfig.HeaderBytes;
        if (actual != expected)
        {
            throw new InvalidDataException(
                $"a llama2.c checkpoint of this shape ({config.Dimension} wide, {config.Layers} layers, vocabulary {config.VocabularySize}) holds {expected} bytes of weights, but this one has {actual}");
        }

        var weights = MemoryMarshal.Cast<byte, float>(file[Llama2cConfig.HeaderBytes..]).ToArray();
        return new Llama2cCheckpoint(config, weights);
    }
}
