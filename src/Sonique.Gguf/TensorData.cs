using System.Runtime.InteropServices;

namespace Sonique.Gguf;

/// <summary>Conversions between float32 and the float types a GGUF tensor is stored in (little-endian, as GGUF is).</summary>
public static class TensorData
{
    public static float[] ToFloats(GgmlType type, ReadOnlySpan<byte> bytes, string what)
    {
        switch (type)
        {
            case GgmlType.F32:
                return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            case GgmlType.F16:
                {
                    var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                    var floats = new float[halves.Length];
                    for (var i = 0; i < floats.Length; i++)
                    {
                        floats[i] = (float)halves[i];
                    }

                    return floats;
                }

            case GgmlType.BF16:
                {
                    var words = MemoryMarshal.Cast<byte, ushort>(bytes);
                    var floats = new float[words.Length];
                    for (var i = 0; i < floats.Length; i++)
                    {
                        floats[i] = BitConverter.Int32BitsToSingle(words[i] << 16);
                    }

                    return floats;
                }

            default:
                throw new NotSupportedException($"{what} is {type}; only F32, F16 and BF16 are read as floats.");
        }
    }

    /// <summary>Float32 values stored as <paramref name="type"/> (F32, F16 or BF16; both halves round to nearest even).</summary>
    public static byte[] FromFloats(ReadOnlySpan<float> values, GgmlType type)
    {
        switch (type)
        {
            case GgmlType.F32:
                return MemoryMarshal.AsBytes(values).ToArray();
            case GgmlType.F16:
                {
                    var halves = new Half[values.Length];
                    for (var i = 0; i < halves.Length; i++)
                    {
                        halves[i] = (Half)values[i];
                    }

                    return MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
                }

            case GgmlType.BF16:
                {
                    var words = new ushort[values.Length];
                    for (var i = 0; i < words.Length; i++)
                    {
                        var bits = (uint)BitConverter.SingleToInt32Bits(values[i]);
                        words[i] = float.IsNaN(values[i]) ? (ushort)((bits >> 16) | 0x40) : (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
                    }

                    return MemoryMarshal.AsBytes(words.AsSpan()).ToArray();
                }

            default:
                throw new NotSupportedException($"float tensors are written as F32, F16 or BF16, not {type}");
        }
    }
}
