using System.Buffers.Binary;
using System.Text;

namespace Sonique.Analysis.Tests.Onnx;

/// <summary>Protocol Buffers' wire format, the little of it an ONNX model needs: varints, length-delimited
/// fields (bytes, strings, nested messages) and nothing else.</summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0;
    private const int LengthDelimited = 2;

    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => _bytes.ToArray();

    public ProtoWriter Int(int field, long value)
    {
        Tag(field, Varint);
        Raw((ulong)value);
        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        Raw((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>Floats as little-endian bytes, the form of TensorProto's raw_data.</summary>
    public static byte[] LittleEndian(IReadOnlyList<float> values)
    {
        var bytes = new byte[values.Count * sizeof(float)];
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return bytes;
    }

    private void Tag(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

    private void Raw(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _bytes.Add((byte)value);
    }
}
