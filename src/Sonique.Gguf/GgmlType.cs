namespace Sonique.Gguf;

/// <summary>A tensor's element type, as numbered by ggml (<c>enum ggml_type</c>).</summary>
#pragma warning disable CA1707 // ggml's own names (Q4_K, IQ2_XS): the ones users see in model file names.
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
    MXFP4 = 39,
}
#pragma warning restore CA1707

/// <summary>How many bytes a tensor of each type takes: types store elements in blocks of a fixed size.</summary>
public static class GgmlTypeLayout
{
    /// <summary>Elements per block and bytes per block (from ggml's type traits), or null for a type this table does not know.</summary>
    public static (int BlockElements, int BlockBytes)? Of(GgmlType type) => type switch
    {
        GgmlType.F32 or GgmlType.I32 => (1, 4),
        GgmlType.F16 or GgmlType.BF16 or GgmlType.I16 => (1, 2),
        GgmlType.I8 => (1, 1),
        GgmlType.I64 or GgmlType.F64 => (1, 8),
        GgmlType.Q4_0 => (32, 18),
        GgmlType.Q4_1 => (32, 20),
        GgmlType.Q5_0 => (32, 22),
        GgmlType.Q5_1 => (32, 24),
        GgmlType.Q8_0 => (32, 34),
        GgmlType.Q8_1 => (32, 36),
        GgmlType.Q2_K => (256, 84),
        GgmlType.Q3_K => (256, 110),
        GgmlType.Q4_K => (256, 144),
        GgmlType.Q5_K => (256, 176),
        GgmlType.Q6_K => (256, 210),
        GgmlType.Q8_K => (256, 292),
        GgmlType.IQ2_XXS => (256, 66),
        GgmlType.IQ2_XS => (256, 74),
        GgmlType.IQ3_XXS => (256, 98),
        GgmlType.IQ1_S => (256, 50),
        GgmlType.IQ4_NL => (32, 18),
        GgmlType.IQ3_S => (256, 110),
        GgmlType.IQ2_S => (256, 82),
        GgmlType.IQ4_XS => (256, 136),
        GgmlType.IQ1_M => (256, 56),
        GgmlType.TQ1_0 => (256, 54),
        GgmlType.TQ2_0 => (256, 66),
        GgmlType.MXFP4 => (32, 17),
        _ => null,
    };

    /// <summary>The bytes of a tensor with these dimensions; its first dimension must be a whole number of blocks.</summary>
    public static long ByteCount(GgmlType type, IReadOnlyList<long> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        var (blockElements, blockBytes) = Of(type) ?? throw new NotSupportedException($"ggml type {(uint)type} has no known size");
        if (dimensions.Count == 0)
        {
            return blockBytes;
        }

        if (dimensions[0] % blockElements != 0)
        {
            throw new InvalidDataException($"a {type} tensor's first dimension ({dimensions[0]}) is not a multiple of its block size {blockElements}");
        }

        var bytes = dimensions[0] / blockElements * blockBytes;
        for (var i = 1; i < dimensions.Count; i++)
        {
            bytes = checked(bytes * dimensions[i]);
        }

        return bytes;
    }
}
