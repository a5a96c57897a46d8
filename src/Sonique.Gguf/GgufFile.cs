using System.Buffers.Binary;
using System.Text;

namespace Sonique.Gguf;

/// <summary>
/// A GGUF file's header, read without native code: its metadata in file order, its tensor table, and where the
/// data starts. Tensor data is read on demand. Every inconsistency (bad magic, a count or string running past the
/// end, a tensor outside the file) is an <see cref="InvalidDataException"/> that names the file and the problem.
/// </summary>
public sealed class GgufFile
{
    public const uint CurrentVersion = 3;
    public const int DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";
    public const string ArchitectureKey = "general.architecture";

    /// <summary>ggml tensors have at most four dimensions (GGML_MAX_DIMS).</summary>
    private const int MaxDimensions = 4;

    private readonly Dictionary<string, GgufValue> _byKey;
    private readonly Dictionary<string, GgufTensorInfo> _byName;

    private GgufFile(string path, uint version, List<KeyValuePair<string, GgufValue>> metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset)
    {
        Path = path;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        Alignment = alignment;
        DataOffset = dataOffset;
        _byKey = metadata.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    public string Path { get; }

    public uint Version { get; }

    public IReadOnlyList<KeyValuePair<string, GgufValue>> Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    public int Alignment { get; }

    /// <summary>Where the data section starts, in bytes from the start of the file.</summary>
    public long DataOffset { get; }

    public string? Architecture => TryGet(ArchitectureKey)?.Raw as string;

    public GgufValue? TryGet(string key) => _byKey.GetValueOrDefault(key);

    public GgufValue Get(string key) =>
        TryGet(key) ?? throw new InvalidDataException($"The GGUF file '{Path}' has no metadata key '{key}'.");

    public GgufTensorInfo? TryGetTensor(string name) => _byName.GetValueOrDefault(name);

    public GgufTensorInfo Tensor(string name) =>
        TryGetTensor(name) ?? throw new InvalidDataException($"The GGUF file '{Path}' has no tensor '{name}'.");

    /// <summary>Reads the header. Only as much of the file is read as the header needs.</summary>
    public static async Task<GgufFile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        path = System.IO.Path.GetFullPath(path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var length = RandomAccess.GetLength(handle);

        // The header's size is not stored, so read a prefix and grow it until the parse fits: a 7B model's header
        // with its 32k-token vocabulary is about a megabyte, a LoRA adapter's a few kilobytes.
        var size = (int)Math.Min(length, 1 << 20);
        while (true)
        {
            var prefix = new byte[size];
            var read = await RandomAccess.ReadAsync(handle, prefix, 0, cancellationToken);
            try
            {
                return Parse(path, prefix.AsSpan(0, read), length);
            }
            catch (HeaderPastPrefixException) when (read < length)
            {
                size = (int)Math.Min(length, Math.Min((long)size * 4, Array.MaxLength));
            }
            catch (HeaderPastPrefixException)
            {
                throw new InvalidDataException($"The GGUF file '{path}' is truncated: its header runs past the end of the file ({length} bytes).");
            }
        }
    }

    /// <summary>A tensor's bytes as stored.</summary>
    public async Task<byte[]> ReadTensorBytesAsync(GgufTensorInfo tensor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var bytes = new byte[tensor.ByteCount];
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var read = await RandomAccess.ReadAsync(handle, bytes, DataOffset + tensor.Offset, cancellationToken);
        return read == bytes.Length
            ? bytes
            : throw new InvalidDataException($"The GGUF file '{Path}' is truncated inside tensor '{tensor.Name}'.");
    }

    /// <summary>A float tensor's elements as float32 (F32, F16 and BF16 are understood).</summary>
    public async Task<float[]> ReadTensorAsFloatsAsync(GgufTensorInfo tensor, CancellationToken cancellationToken)
    {
        var bytes = await ReadTensorBytesAsync(tensor, cancellationToken);
        return TensorData.ToFloats(tensor.Type, bytes, $"tensor '{tensor.Name}' of '{Path}'");
    }

    private static GgufFile Parse(string path, ReadOnlySpan<byte> bytes, long fileLength)
    {
        var cursor = new Cursor(bytes, path, fileLength);
        if (bytes.Length == 0)
        {
            throw new InvalidDataException($"The file '{path}' is not GGUF: it is empty.");
        }

        if (bytes.Length < 4 || !bytes[..4].SequenceEqual(Magic))
        {
            var first = Convert.ToHexString(bytes[..Math.Min(4, bytes.Length)]).ToLowerInvariant();
            throw new InvalidDataException($"The file '{path}' is not GGUF: it does not start with the GGUF magic bytes 47475546 (\"GGUF\") but with {first}.");
        }

        cursor.Skip(4);
        var version = cursor.UInt32();
        if (version is not (2 or 3))
        {
            throw new InvalidDataException($"The GGUF file '{path}' has version {version}; versions 2 and 3 are understood.");
        }

        var tensorCount = cursor.Count("tensor count", minimumBytesEach: 24);
        var pairCount = cursor.Count("metadata count", minimumBytesEach: 12);
        var metadata = new List<KeyValuePair<string, GgufValue>>((int)pairCount);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0L; i < pairCount; i++)
        {
            var key = cursor.String();
            if (!keys.Add(key))
            {
                throw new InvalidDataException($"The GGUF file '{path}' has the metadata key '{key}' twice.");
            }

            var type = (GgufValueType)cursor.UInt32();
            metadata.Add(new(key, cursor.Value(type, key)));
        }

        var alignment = DefaultAlignment;
        if (metadata.FirstOrDefault(p => p.Key == AlignmentKey).Value is { } alignmentValue)
        {
            var value = alignmentValue.AsInt64();
            if (value <= 0 || value > 1 << 20 || (value & (value - 1)) != 0)
            {
                throw new InvalidDataException($"The GGUF file '{path}' has {AlignmentKey} {value}, which is not a power of two.");
            }

            alignment = (int)value;
        }

        var tensors = new List<GgufTensorInfo>((int)tensorCount);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0L; i < tensorCount; i++)
        {
            var name = cursor.String();
            if (!names.Add(name))
            {
                throw new InvalidDataException($"The GGUF file '{path}' has the tensor '{name}' twice.");
            }

            var rank = cursor.UInt32();
            if (rank is 0 or > MaxDimensions)
            {
                throw new InvalidDataException($"The GGUF file '{path}': tensor '{name}' has {rank} dimensions (1 to {MaxDimensions} allowed).");
            }

            var dimensions = new long[rank];
            for (var d = 0; d < rank; d++)
            {
                var extent = cursor.UInt64();
                dimensions[d] = extent is > 0 and <= long.MaxValue / 2
                    ? (long)extent
                    : throw new InvalidDataException($"The GGUF file '{path}': tensor '{name}' has dimension {d} of {extent}.");
            }

            var type = (GgmlType)cursor.UInt32();
            var offset = cursor.UInt64();
            if (offset % (ulong)alignment != 0)
            {
                throw new InvalidDataException($"The GGUF file '{path}': tensor '{name}' starts at {offset}, not a multiple of the alignment {alignment}.");
            }

            tensors.Add(new GgufTensorInfo(name, dimensions, type, (long)offset));
        }

        var dataOffset = Align(cursor.Position, alignment);
        foreach (var tensor in tensors)
        {
            long size;
            try
            {
                size = GgmlTypeLayout.Of(tensor.Type) is null ? 0 : tensor.ByteCount;
            }
            catch (OverflowException)
            {
                throw new InvalidDataException($"The GGUF file '{path}': tensor '{tensor.Name}' is too large to exist.");
            }

            if (dataOffset + tensor.Offset + size > fileLength)
            {
                throw new InvalidDataException(
                    $"The GGUF file '{path}' is truncated: tensor '{tensor.Name}' ends at byte {dataOffset + tensor.Offset + size}, past the end of the file ({fileLength} bytes).");
            }
        }

        return new GgufFile(path, version, metadata, tensors, alignment, dataOffset);
    }

    internal static long Align(long position, int alignment) => (position + alignment - 1) / alignment * alignment;

    /// <summary>The header goes on past the bytes read so far: read more and parse again.</summary>
    private sealed class HeaderPastPrefixException : Exception;

    /// <summary>Little-endian reads over the prefix; counts and lengths are checked against the file's length so a
    /// corrupt count fails at once instead of allocating gigabytes.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> bytes, string path, long fileLength)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly int Position => _position;

        public void Skip(int count) => Take(count);

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public long Count(string what, int minimumBytesEach)
        {
            var count = UInt64();
            return count <= (ulong)(fileLength / minimumBytesEach)
                ? (long)count
                : throw new InvalidDataException($"The GGUF file '{path}' is corrupt: its {what} ({count}) cannot fit in {fileLength} bytes.");
        }

        public string String()
        {
            var length = UInt64();
            if (length > (ulong)fileLength)
            {
                throw new InvalidDataException($"The GGUF file '{path}' is corrupt: a string of {length} bytes at byte {_position - 8} cannot fit in the file.");
            }

            return Encoding.UTF8.GetString(Take((int)Math.Min(length, int.MaxValue)));
        }

        public GgufValue Value(GgufValueType type, string key)
        {
            if (type == GgufValueType.Array)
            {
                var elementType = (GgufValueType)UInt32();
                var count = Count($"array '{key}' length", 1);
                object items = elementType switch
                {
                    GgufValueType.UInt8 => Items(count, (ref Cursor c) => c.Take(1)[0]),
                    GgufValueType.Int8 => Items(count, (ref Cursor c) => (sbyte)c.Take(1)[0]),
                    GgufValueType.UInt16 => Items(count, (ref Cursor c) => BinaryPrimitives.ReadUInt16LittleEndian(c.Take(2))),
                    GgufValueType.Int16 => Items(count, (ref Cursor c) => BinaryPrimitives.ReadInt16LittleEndian(c.Take(2))),
                    GgufValueType.UInt32 => Items(count, (ref Cursor c) => c.UInt32()),
                    GgufValueType.Int32 => Items(count, (ref Cursor c) => BinaryPrimitives.ReadInt32LittleEndian(c.Take(4))),
                    GgufValueType.Float32 => Items(count, (ref Cursor c) => BinaryPrimitives.ReadSingleLittleEndian(c.Take(4))),
                    GgufValueType.Bool => Items(count, (ref Cursor c) => c.Take(1)[0] != 0),
                    GgufValueType.String => Items(count, (ref Cursor c) => c.String()),
                    GgufValueType.UInt64 => Items(count, (ref Cursor c) => c.UInt64()),
                    GgufValueType.Int64 => Items(count, (ref Cursor c) => BinaryPrimitives.ReadInt64LittleEndian(c.Take(8))),
                    GgufValueType.Float64 => Items(count, (ref Cursor c) => BinaryPrimitives.ReadDoubleLittleEndian(c.Take(8))),
                    _ => throw new InvalidDataException($"The GGUF file '{path}': array '{key}' has element type {(uint)elementType}, which GGUF does not define (nested arrays are not read)."),
                };
                return GgufValue.FromRaw(GgufValueType.Array, items, elementType);
            }

            object raw = type switch
            {
                GgufValueType.UInt8 => Take(1)[0],
                GgufValueType.Int8 => (sbyte)Take(1)[0],
                GgufValueType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(Take(2)),
                GgufValueType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(Take(2)),
                GgufValueType.UInt32 => UInt32(),
                GgufValueType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(Take(4)),
                GgufValueType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(Take(4)),
                GgufValueType.Bool => Take(1)[0] != 0,
                GgufValueType.String => String(),
                GgufValueType.UInt64 => UInt64(),
                GgufValueType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(Take(8)),
                GgufValueType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(Take(8)),
                _ => throw new InvalidDataException($"The GGUF file '{path}': key '{key}' has value type {(uint)type}, which GGUF does not define."),
            };
            return GgufValue.FromRaw(type, raw, null);
        }

        private delegate T Element<T>(ref Cursor cursor);

        private T[] Items<T>(long count, Element<T> read)
        {
            var items = new T[count];
            for (var i = 0L; i < count; i++)
            {
                items[i] = read(ref this);
            }

            return items;
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (_bytes.Length - _position < count)
            {
                throw new HeaderPastPrefixException();
            }

            var span = _bytes.Slice(_position, count);
            _position += count;
            return span;
        }
    }
}
