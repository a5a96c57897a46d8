using System.Buffers.Binary;
using System.Text;
using Sonique.Engine.Hashing;

namespace Sonique.Engine;

/// <summary>
/// A per-item stage's item records as one blob in the content store (as DVC keeps a folder's listing in a <c>.dir</c>
/// object), so that the lock file names it by its hash instead of holding a record per item. The encoding is canonical:
/// items in ordinal key order, each record's maps in ordinal order, so the same records always give the same bytes and
/// the same hash. It is binary because a no-op run reads it whole: hashes take their 16 bytes instead of 32 hex
/// characters, and nothing has to be parsed but lengths.
/// </summary>
internal static class Manifest
{
    private static readonly byte[] Magic = "SQM1"u8.ToArray();

    private const byte FailedFlag = 1;
    private const byte PermanentFlag = 2;

    /// <summary>A hash is written as its 16 bytes when its text is exactly how <see cref="ContentHash"/> writes it, else
    /// (a record a test made by hand) as text; the tag says which.</summary>
    private const byte HashTag = 0;
    private const byte TextTag = 1;

    public static byte[] Encode(IReadOnlyDictionary<string, ItemRecord> items)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write7BitEncodedInt(items.Count);
            foreach (var key in items.Keys.Order(StringComparer.Ordinal))
            {
                var record = items[key];
                writer.Write(key);
                WriteHash(writer, record.Fingerprint);
                writer.Write((byte)((record.Failure is null ? 0 : FailedFlag) | (record.Permanent ? PermanentFlag : 0)));
                WriteMap(writer, record.Values, (w, v) => w.Write(v));
                WriteMap(writer, record.Inputs, WriteHash);
                WriteMap(writer, record.Outputs, WriteHash);
                if (record.Failure is not null)
                {
                    writer.Write(record.Failure);
                }
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The records a manifest holds; <see cref="InvalidDataException"/> when the bytes are not one.</summary>
    public static Dictionary<string, ItemRecord> Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new SpanReader(bytes);
        if (!reader.Bytes(Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a Sonique manifest (no SQM1 header)");
        }

        var count = reader.Count();
        if (count > bytes.Length)
        {
            throw new InvalidDataException($"{count} items cannot fit in {bytes.Length} bytes");
        }

        var items = new Dictionary<string, ItemRecord>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = reader.Text();
            var record = new ItemRecord { Fingerprint = reader.Hash() };
            var flags = reader.Byte();
            record.Values = reader.MapOrNull(static (ref SpanReader r) => r.Text());
            record.Inputs = reader.Map(static (ref SpanReader r) => r.Hash());
            record.Outputs = reader.Map(static (ref SpanReader r) => r.Hash());
            record.Permanent = (flags & PermanentFlag) != 0;
            if ((flags & FailedFlag) != 0)
            {
                record.Failure = reader.Text();
            }

            items[key] = record;
        }

        if (!reader.AtEnd)
        {
            throw new InvalidDataException("bytes after the last item");
        }

        return items;
    }

    private static void WriteMap(BinaryWriter writer, SortedDictionary<string, string>? map, Action<BinaryWriter, string> writeValue)
    {
        writer.Write7BitEncodedInt(map?.Count ?? 0);
        foreach (var (key, value) in map ?? [])
        {
            writer.Write(key);
            writeValue(writer, value);
        }
    }

    private static void WriteHash(BinaryWriter writer, string text)
    {
        if (ContentHash.TryParse(text, out var hash) && hash.ToString() == text)
        {
            Span<byte> raw = stackalloc byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(raw, hash.Value);
            writer.Write(HashTag);
            writer.Write(raw);
        }
        else
        {
            writer.Write(TextTag);
            writer.Write(text);
        }
    }

    private delegate string ReadValue(ref SpanReader reader);

    /// <summary>Reads what <see cref="BinaryWriter"/> wrote, without a stream: lengths as 7-bit varints, text as UTF-8.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly bool AtEnd => _position == _bytes.Length;

        public ReadOnlySpan<byte> Bytes(int length)
        {
            if (length < 0 || length > _bytes.Length - _position)
            {
                throw new InvalidDataException($"truncated at byte {_position}");
            }

            var span = _bytes.Slice(_position, length);
            _position += length;
            return span;
        }

        public byte Byte() => Bytes(1)[0];

        public int Count()
        {
            var value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Byte();
                value |= (b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value >= 0 ? value : throw new InvalidDataException($"a negative length at byte {_position}");
                }
            }

            throw new InvalidDataException($"a length too long at byte {_position}");
        }

        public string Text() => Encoding.UTF8.GetString(Bytes(Count()));

        public string Hash() => Byte() switch
        {
            HashTag => new ContentHash(BinaryPrimitives.ReadUInt128BigEndian(Bytes(16))).ToString(),
            TextTag => Text(),
            var tag => throw new InvalidDataException($"unknown hash tag {tag} at byte {_position}"),
        };

        public SortedDictionary<string, string> Map(ReadValue readValue) => Fill(Count(), readValue);

        /// <summary>An empty map as null, as a record without values holds it (and without allocating one per item).</summary>
        public SortedDictionary<string, string>? MapOrNull(ReadValue readValue) => Count() is var n and > 0 ? Fill(n, readValue) : null;

        private SortedDictionary<string, string> Fill(int count, ReadValue readValue)
        {
            var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
            for (var n = count; n > 0; n--)
            {
                var key = Text();
                map[key] = readValue(ref this);
            }

            return map;
        }
    }
}
