using System.Buffers.Binary;
using System.Text;

namespace Sonique.Analysis.Video.Vlm;

/// <summary>
/// The start of a GGUF file: its version, tensor count and <c>general.architecture</c>, read without native code
/// so that a wrong file is named before llama.cpp sees it (llama.cpp only says "failed to load"). Reading stops
/// at the architecture, which converters write first; other values are skipped, not parsed.
/// </summary>
internal sealed record GgufHeader(uint Version, ulong TensorCount, string? Architecture)
{
    public const string ArchitectureKey = "general.architecture";

    private const int MaxKeyBytes = 64 * 1024;
    private const uint StringType = 8;
    private const uint ArrayType = 9;

    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>Reads the header; a file that is not GGUF, or is cut short, raises <see cref="InvalidDataException"/>
    /// saying what is wrong (the caller names the file).</summary>
    public static async Task<GgufHeader> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        var reader = new Reader(stream);
        var magic = await reader.ReadUpToAsync(4, cancellationToken);
        if (magic.Length == 0)
        {
            throw new InvalidDataException("it is empty");
        }

        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            var first = string.Join(' ', magic.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
            throw new InvalidDataException($"it does not start with the GGUF magic bytes 47 47 55 46 (\"GGUF\") but with {first}");
        }

        var version = await reader.ReadUInt32Async(cancellationToken);
        if (version == 1)
        {
            throw new InvalidDataException("it is GGUF version 1, which llama.cpp no longer reads; convert it again");
        }

        if (version is not (2 or 3))
        {
            throw new InvalidDataException($"its GGUF version is {version}; versions 2 and 3 are understood");
        }

        var tensors = await reader.ReadUInt64Async(cancellationToken);
        var pairs = await reader.ReadUInt64Async(cancellationToken);
        for (var i = 0UL; i < pairs; i++)
        {
            var key = await reader.ReadStringAsync(MaxKeyBytes, cancellationToken);
            var type = await reader.ReadUInt32Async(cancellationToken);
            if (key == ArchitectureKey)
            {
                if (type != StringType)
                {
                    throw new InvalidDataException($"its {ArchitectureKey} is not a string (GGUF type {type})");
                }

                return new GgufHeader(version, tensors, await reader.ReadStringAsync(MaxKeyBytes, cancellationToken));
            }

            await reader.SkipValueAsync(type, cancellationToken);
        }

        return new GgufHeader(version, tensors, null);
    }

    /// <summary>Little-endian reads that fail as "truncated" instead of reading past the end.</summary>
    private sealed class Reader(FileStream stream)
    {
        private readonly byte[] _scalar = new byte[8];

        public async Task<byte[]> ReadUpToAsync(int count, CancellationToken cancellationToken)
        {
            var bytes = new byte[count];
            var read = await stream.ReadAtLeastAsync(bytes, count, throwOnEndOfStream: false, cancellationToken);
            return bytes[..read];
        }

        public async Task<uint> ReadUInt32Async(CancellationToken cancellationToken)
        {
            await FillAsync(4, cancellationToken);
            return BinaryPrimitives.ReadUInt32LittleEndian(_scalar);
        }

        public async Task<ulong> ReadUInt64Async(CancellationToken cancellationToken)
        {
            await FillAsync(8, cancellationToken);
            return BinaryPrimitives.ReadUInt64LittleEndian(_scalar);
        }

        public async Task<string> ReadStringAsync(int maxBytes, CancellationToken cancellationToken)
        {
            var length = await ReadUInt64Async(cancellationToken);
            if (length > (ulong)maxBytes)
            {
                throw new InvalidDataException($"its GGUF metadata is garbled (a {length}-byte key or name)");
            }

            var bytes = await ReadUpToAsync((int)length, cancellationToken);
            return bytes.Length == (int)length ? Encoding.UTF8.GetString(bytes) : throw Truncated();
        }

        public async Task SkipValueAsync(uint type, CancellationToken cancellationToken)
        {
            switch (type)
            {
                case StringType:
                    Skip(await ReadUInt64Async(cancellationToken));
                    break;
                case ArrayType:
                    var elementType = await ReadUInt32Async(cancellationToken);
                    var count = await ReadUInt64Async(cancellationToken);
                    if (elementType is StringType or ArrayType)
                    {
                        // Each element is at least a length, so a count the file cannot hold is garbage, not a long loop.
                        if (count > (ulong)(stream.Length - stream.Position) / 8)
                        {
                            throw Truncated();
                        }

                        for (var i = 0UL; i < count; i++)
                        {
                            await SkipValueAsync(elementType, cancellationToken);
                        }
                    }
                    else
                    {
                        var size = ScalarSize(elementType);
                        Skip(count > ulong.MaxValue / size ? ulong.MaxValue : count * size);
                    }

                    break;
                default:
                    Skip(ScalarSize(type));
                    break;
            }
        }

        private void Skip(ulong count)
        {
            if (count > (ulong)(stream.Length - stream.Position))
            {
                throw Truncated();
            }

            stream.Seek((long)count, SeekOrigin.Current);
        }

        private async Task FillAsync(int count, CancellationToken cancellationToken)
        {
            if (await stream.ReadAtLeastAsync(_scalar.AsMemory(0, count), count, throwOnEndOfStream: false, cancellationToken) != count)
            {
                throw Truncated();
            }
        }

        private static uint ScalarSize(uint type) => type switch
        {
            0 or 1 or 7 => 1, // uint8, int8, bool
            2 or 3 => 2, // uint16, int16
            4 or 5 or 6 => 4, // uint32, int32, float32
            10 or 11 or 12 => 8, // uint64, int64, float64
            _ => throw new InvalidDataException($"its GGUF metadata is garbled (unknown value type {type})"),
        };

        private static InvalidDataException Truncated() => new("its GGUF header is truncated");
    }
}
