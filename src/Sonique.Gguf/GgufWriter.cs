using System.Buffers.Binary;
using System.Text;

namespace Sonique.Gguf;

/// <summary>
/// Builds a GGUF v3 file: metadata in the order added, then tensors, each aligned. The file is written to a
/// temporary name beside the target and renamed, so a killed write never leaves a half file under the real name.
/// </summary>
public sealed class GgufWriter
{
    private readonly List<KeyValuePair<string, GgufValue>> _metadata = [];
    private readonly List<(string Name, long[] Dimensions, GgmlType Type, ReadOnlyMemory<byte> Data)> _tensors = [];

    public int Alignment { get; init; } = GgufFile.DefaultAlignment;

    public GgufWriter Add(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (_metadata.Any(p => p.Key == key))
        {
            throw new ArgumentException($"the metadata key '{key}' is already set", nameof(key));
        }

        _metadata.Add(new(key, value));
        return this;
    }

    public GgufWriter Add(string key, string value) => Add(key, GgufValue.Of(value));

    public GgufWriter Add(string key, uint value) => Add(key, GgufValue.Of(value));

    public GgufWriter Add(string key, float value) => Add(key, GgufValue.Of(value));

    public GgufWriter Add(string key, bool value) => Add(key, GgufValue.Of(value));

    /// <summary>A tensor from its stored bytes; <paramref name="dimensions"/> in ggml order (innermost first).</summary>
    public GgufWriter AddTensor(string name, IReadOnlyList<long> dimensions, GgmlType type, ReadOnlyMemory<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (_tensors.Any(t => t.Name == name))
        {
            throw new ArgumentException($"the tensor '{name}' is already added", nameof(name));
        }

        var expected = GgmlTypeLayout.ByteCount(type, dimensions);
        if (data.Length != expected)
        {
            throw new ArgumentException($"tensor '{name}' of {type} [{string.Join(", ", dimensions)}] needs {expected} bytes, not {data.Length}", nameof(data));
        }

        _tensors.Add((name, [.. dimensions], type, data));
        return this;
    }

    /// <summary>A float32 tensor stored as <paramref name="type"/> (F32 or F16).</summary>
    public GgufWriter AddTensor(string name, IReadOnlyList<long> dimensions, ReadOnlySpan<float> values, GgmlType type = GgmlType.F32) =>
        AddTensor(name, dimensions, type, TensorData.FromFloats(values, type));

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        path = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(Header(), cancellationToken);
                var written = 0L;
                foreach (var tensor in _tensors)
                {
                    await Pad(stream, written, cancellationToken);
                    written = GgufFile.Align(written, Alignment);
                    await stream.WriteAsync(tensor.Data, cancellationToken);
                    written += tensor.Data.Length;
                }

                await stream.FlushAsync(cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private async Task Pad(FileStream stream, long written, CancellationToken cancellationToken)
    {
        var padding = (int)(GgufFile.Align(written, Alignment) - written);
        if (padding > 0)
        {
            await stream.WriteAsync(new byte[padding], cancellationToken);
        }
    }

    /// <summary>Everything before the data section, padded to the alignment.</summary>
    private byte[] Header()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(GgufFile.Magic);
            writer.Write(GgufFile.CurrentVersion);
            writer.Write((ulong)_tensors.Count);
            var metadata = _metadata.ToList();
            if (Alignment != GgufFile.DefaultAlignment && _metadata.All(p => p.Key != GgufFile.AlignmentKey))
            {
                metadata.Add(new(GgufFile.AlignmentKey, GgufValue.Of((uint)Alignment)));
            }

            writer.Write((ulong)metadata.Count);
            foreach (var (key, value) in metadata)
            {
                WriteString(writer, key);
                writer.Write((uint)value.Type);
                WriteValue(writer, value);
            }

            var offset = 0L;
            foreach (var tensor in _tensors)
            {
                offset = GgufFile.Align(offset, Alignment);
                WriteString(writer, tensor.Name);
                writer.Write((uint)tensor.Dimensions.Length);
                foreach (var extent in tensor.Dimensions)
                {
                    writer.Write((ulong)extent);
                }

                writer.Write((uint)tensor.Type);
                writer.Write((ulong)offset);
                offset += tensor.Data.Length;
            }
        }

        var padded = GgufFile.Align(buffer.Length, Alignment);
        buffer.SetLength(padded);
        return buffer.ToArray();
    }

    private static void WriteValue(BinaryWriter writer, GgufValue value)
    {
        if (value.Type == GgufValueType.Array)
        {
            var items = (Array)value.Raw;
            writer.Write((uint)value.ElementType!.Value);
            writer.Write((ulong)items.Length);
            foreach (var item in items)
            {
                WriteScalar(writer, item);
            }

            return;
        }

        WriteScalar(writer, value.Raw);
    }

    private static void WriteScalar(BinaryWriter writer, object item)
    {
        switch (item)
        {
            case string s:
                WriteString(writer, s);
                break;
            case bool b:
                writer.Write((byte)(b ? 1 : 0));
                break;
            case byte v:
                writer.Write(v);
                break;
            case sbyte v:
                writer.Write(v);
                break;
            case ushort v:
                writer.Write(v);
                break;
            case short v:
                writer.Write(v);
                break;
            case uint v:
                writer.Write(v);
                break;
            case int v:
                writer.Write(v);
                break;
            case float v:
                writer.Write(v);
                break;
            case ulong v:
                writer.Write(v);
                break;
            case long v:
                writer.Write(v);
                break;
            case double v:
                writer.Write(v);
                break;
            default:
                throw new NotSupportedException($"GGUF cannot store a {item.GetType().Name}");
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }
}
