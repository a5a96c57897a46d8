using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sonique.Gguf;

namespace Sonique.Training.Peft;

/// <summary>
/// The safetensors format that Hugging Face models and peft adapters are saved in: an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape (outermost first) and byte range, then the bytes.
/// Reads F32, F16 and BF16 as floats; writes F32.
/// </summary>
public sealed class Safetensors
{
    private const long MaxHeader = 100 << 20;

    private Safetensors(string path, long dataStart, IReadOnlyDictionary<string, SafetensorsEntry> tensors)
    {
        Path = path;
        DataStart = dataStart;
        Tensors = tensors;
    }

    public string Path { get; }

    public long DataStart { get; }

    public IReadOnlyDictionary<string, SafetensorsEntry> Tensors { get; }

    public static async Task<Safetensors> ReadAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        var prefix = new byte[8];
        if (stream.Length < 8)
        {
            throw new InvalidDataException($"'{path}' is not a safetensors file ({stream.Length} bytes).");
        }

        await stream.ReadExactlyAsync(prefix, ct);
        var length = BinaryPrimitives.ReadInt64LittleEndian(prefix);
        if (length <= 1 || length > MaxHeader || 8 + length > stream.Length)
        {
            throw new InvalidDataException($"'{path}' is not a safetensors file (header length {length}).");
        }

        var header = new byte[length];
        await stream.ReadExactlyAsync(header, ct);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(header)?.AsObject() ?? throw new InvalidDataException($"'{path}' has an empty safetensors header.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' has an unreadable safetensors header: {e.Message}", e);
        }

        var dataStart = 8 + length;
        var dataLength = stream.Length - dataStart;
        var tensors = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__" || node is not JsonObject entry)
            {
                continue;
            }

            string dtype;
            long[] shape, offsets;
            long elements;
            try
            {
                dtype = entry["dtype"]?.GetValue<string>() ?? "";
                shape = entry["shape"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? [];
                offsets = entry["data_offsets"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? [];
                elements = shape.Any(d => d < 0) ? -1 : shape.Aggregate(1L, (n, d) => checked(n * d));
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or OverflowException)
            {
                throw new InvalidDataException($"'{path}': tensor '{name}' has an unreadable header entry ({e.Message}).", e);
            }

            var size = dtype switch { "F32" => 4, "F16" or "BF16" => 2, _ => 0 };
            if (elements < 0 || elements > dataLength || offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != elements * size || size == 0)
            {
                throw new InvalidDataException($"'{path}': tensor '{name}' ({dtype} [{string.Join(", ", shape)}]) has a bad byte range or an unsupported dtype (F32, F16, BF16).");
            }

            tensors[name] = new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
        }

        return new Safetensors(path, dataStart, tensors);
    }

    public async Task<float[]> ReadFloatsAsync(SafetensorsEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var bytes = new byte[entry.End - entry.Begin];
        await using (var stream = File.OpenRead(Path))
        {
            stream.Position = DataStart + entry.Begin;
            await stream.ReadExactlyAsync(bytes, ct);
        }

        return entry.Dtype switch
        {
            "F32" => TensorData.ToFloats(GgmlType.F32, bytes, entry.Name),
            "F16" => TensorData.ToFloats(GgmlType.F16, bytes, entry.Name),
            _ => TensorData.ToFloats(GgmlType.BF16, bytes, entry.Name),
        };
    }

    /// <summary>Writes tensors (shape outermost first, as PyTorch) in name order, atomically, as F32 or F16.</summary>
    public static async Task WriteAsync(string path, IEnumerable<(string Name, long[] Shape, float[] Values)> tensors, CancellationToken ct, IReadOnlyDictionary<string, string>? metadata = null, GgmlType type = GgmlType.F32)
    {
        if (type is not (GgmlType.F32 or GgmlType.F16))
        {
            throw new ArgumentException($"safetensors are written as F32 or F16, not {type}", nameof(type));
        }

        var size = type == GgmlType.F32 ? 4L : 2L;
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is not null)
        {
            header["__metadata__"] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)));
        }

        long offset = 0;
        foreach (var (name, shape, values) in ordered)
        {
            if (shape.Aggregate(1L, (n, d) => n * d) != values.Length)
            {
                throw new ArgumentException($"tensor '{name}' of shape [{string.Join(", ", shape)}] has {values.Length} values");
            }

            header[name] = new JsonObject
            {
                ["dtype"] = type == GgmlType.F32 ? "F32" : "F16",
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + (values.Length * size)),
            };
            offset += values.Length * size;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
        {
            var prefix = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(prefix, padded);
            await stream.WriteAsync(prefix, ct);
            await stream.WriteAsync(json, ct);
            await stream.WriteAsync(Enumerable.Repeat((byte)' ', padded - json.Length).ToArray(), ct);
            foreach (var (_, _, values) in ordered)
            {
                await stream.WriteAsync(TensorData.FromFloats(values, type), ct);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>One tensor's entry in a safetensors header; the byte range is relative to the data section.</summary>
public sealed record SafetensorsEntry(string Name, string Dtype, IReadOnlyList<long> Shape, long Begin, long End);
