using System.Buffers.Binary;

namespace Sonique.Llm.Llama2c;

/// <summary>
/// The seven int32 that open a llama2.c checkpoint (its legacy "version 0" format, which stories15M uses). A negative
/// vocabulary size there means the classifier is stored separately instead of tied to the embedding.
/// </summary>
public sealed record Llama2cConfig(int Dimension, int HiddenDimension, int Layers, int Heads, int KvHeads, int VocabularySize, int SequenceLength, bool SharedClassifier)
{
    public const int HeaderBytes = 7 * sizeof(int);

    public int HeadSize => Dimension / Heads;

    public int KvDimension => KvHeads * HeadSize;

    public static Llama2cConfig Read(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderBytes)
        {
            throw new InvalidDataException($"a llama2.c checkpoint starts with {HeaderBytes} bytes of configuration; this one has {header.Length} bytes");
        }

        var at = new int[7];
        for (var i = 0; i < at.Length; i++)
        {
            at[i] = BinaryPrimitives.ReadInt32LittleEndian(header[(i * 4)..]);
        }

        var config = new Llama2cConfig(at[0], at[1], at[2], at[3], at[4], Math.Abs(at[5]), at[6], at[5] > 0);
        config.Validate();
        return config;
    }

    /// <summary>The float count the checkpoint must hold after its header, so a truncated or foreign file is refused.</summary>
    public long WeightCount
    {
        get
        {
            long dim = Dimension, hidden = HiddenDimension, layers = Layers, vocab = VocabularySize;
            var perLayer = 2 * dim + dim * dim + 2 * dim * KvDimension + dim * dim + 3 * dim * hidden;
            var ropeTables = (long)SequenceLength * HeadSize;
            return vocab * dim + layers * perLayer + dim + ropeTables + (SharedClassifier ? 0 : vocab * dim);
        }
    }

    private void Validate()
    {
        if (Dimension <= 0 || HiddenDimension <= 0 || Layers <= 0 || Heads <= 0 || KvHeads <= 0 || VocabularySize <= 0 || SequenceLength <= 0
            || Dimension > 1 << 16 || HiddenDimension > 1 << 18 || Layers > 1024 || VocabularySize > 1 << 20 || SequenceLength > 1 << 20)
        {
            throw new InvalidDataException($"this is not a llama2.c checkpoint: its header reads {this}");
        }

        if (Dimension % Heads != 0 || Heads % KvHeads != 0)
        {
            throw new InvalidDataException($"this llama2.c checkpoint's heads do not divide its dimension: {this}");
        }
    }
}
