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
        var index = Index(bytes);
        var items = new Dictionary<string, ItemRecord>(index.Count, StringComparer.Ordinal);
        foreach (var (key, offset) in index)
        {
            items[key] = DecodeRecord(bytes, offset);
        }

        return items;
    }

    /// <summary>Where each item's record starts in the manifest, every record checked as <see cref="Decode"/> checks it
    /// but none decoded: a no-op run reads each record once, so keeping them all decoded (three maps and a string per
    /// hash, for 300,000 items) cost more than reading them.</summary>
    public static Dictionary<string, int> Index(ReadOnlySpan<byte> bytes)
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

        var index = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = reader.Text();
            index[key] = reader.Position;
            reader.SkipHash();
            var flags = reader.Byte();
            reader.SkipMap(static (ref SpanReader r) => r.SkipText());
            reader.SkipMap(static (ref SpanReader r) => r.SkipHash());
            reader.SkipMap(static (ref SpanReader r) => r.SkipHash());
            if ((flags & FailedFlag) != 0)
            {
                reader.SkipText();
            }
        }

        if (!reader.AtEnd)
        {
            throw new InvalidDataException("bytes after the last item");
        }

        return index;
    }

    /// <summary>The record at <paramref name="offset"/>, a position <see cref="Index"/> gave for these bytes.</summary>
    public static ItemRecord DecodeRecord(ReadOnlySpan<byte> bytes, int offset)
    {
        var reader = new SpanReader(bytes) { Position = offset };
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

        return record;
    }

    /// <summary>
    /// Whether the record at <paramref name="offset"/> says its item succeeded with <paramref name="fingerprint"/> and
    /// wrote exactly <paramref name="outputs"/>, each still as recorded by <paramref name="outputIntact"/>, read from the
    /// bytes without decoding the record: a no-op run judges every item, and decoding each into maps of hex strings was
    /// most of its time. False also when the bytes alone cannot tell (a hash kept as text): the record is decoded then.
    /// </summary>
    public static bool Succeeded(ReadOnlySpan<byte> bytes, int offset, ContentHash fingerprint, IReadOnlyList<string> outputs, Func<string, ContentHash, bool> outputIntact)
    {
        var reader = new SpanReader(bytes) { Position = offset };
        if (reader.RawHash() != fingerprint || (reader.Byte() & FailedFlag) != 0)
        {
            return false;
        }

        reader.SkipMap(static (ref SpanReader r) => r.SkipText());
        reader.SkipMap(static (ref SpanReader r) => r.SkipHash());
        var count = reader.Count();
        if (count != outputs.Count)
        {
            return false;
        }

        // The recorded paths are distinct, so each naming a declared output, as many as declared, is the same set.
        for (var n = 0; n < count; n++)
        {
            var path = reader.Bytes(reader.Count());
            var declared = IndexOf(outputs, path);
            if (declared < 0 || reader.RawHash() is not { } hash || !outputIntact(outputs[declared], hash))
            {
                return false;
            }
        }

        return true;
    }

    private static int IndexOf(IReadOnlyList<string> texts, ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < texts.Count; i++)
        {
            if (Ascii.Equals(utf8, texts[i]) || (!Ascii.IsValid(utf8) && Encoding.UTF8.GetString(utf8) == texts[i]))
            {
                return i;
            }
        }

        return -1;
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

    private delegate void SkipValue(ref SpanReader reader);

    /// <summary>Reads what <see cref="BinaryWriter"/> wrote, without a stream: lengths as 7-bit varints, text as UTF-8.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly bool AtEnd => _position == _bytes.Length;

        public int Position
        {
            readonly get => _position;
            init => _position = value >= 0 && value <= _bytes.Length ? value : throw new InvalidDataException($"no byte {value} in {_bytes.Length}");
        }

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

        /// <summary>A hash kept as its 16 bytes; null for one kept as text.</summary>
        public ContentHash? RawHash()
        {
            switch (Byte())
            {
                case HashTag:
                    return new ContentHash(BinaryPrimitives.ReadUInt128BigEndian(Bytes(16)));
                case TextTag:
                    SkipText();
                    return null;
                case var tag:
                    throw new InvalidDataException($"unknown hash tag {tag} at byte {_position}");
            }
        }

        public void SkipText() => Bytes(Count());

        public void SkipHash() => RawHash();

        public void SkipMap(SkipValue skipValue)
        {
            for (var n = Count(); n > 0; n--)
            {
                SkipText();
                skipValue(ref this);
            }
        }

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
