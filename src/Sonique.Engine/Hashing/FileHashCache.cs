using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using Sonique.Files;

namespace Sonique.Engine.Hashing;

/// <summary>
/// Remembers each file's hash under its <see cref="FileStamp"/> so that an unchanged tree is not read
/// again. Persisted as a compact binary file; a damaged file is discarded, which only costs a rehash.
/// </summary>
/// <remarks>
/// A file is known by the 128-bit hash of its full path, not by the path itself: at 900,000 files the paths were most
/// of the cache's memory and of its load time, and with fixed-size records the file is read without parsing. Two paths
/// with the same hash would also need the same stamp (inode, size, times to the nanosecond) to be confused.
/// </remarks>
public sealed class FileHashCache
{
    private const uint MagicWithPaths = 0x53484331; // "SHC1": a length-prefixed path per entry (still read)
    private const uint Magic = 0x53484332; // "SHC2": the path's hash per entry, fixed-size records
    private const int HeaderSize = 8;
    private const int RecordSize = 64;
    private readonly ConcurrentDictionary<UInt128, Entry> _entries;
    private readonly string? _path;
    private readonly ConcurrentDictionary<UInt128, ContentHash> _checked;
    private volatile bool _trustChecks;
    private int _dirty;

    private FileHashCache(string? path, ConcurrentDictionary<UInt128, Entry> entries)
    {
        _path = path;
        _entries = entries;
        // Sized for every known file at once: a no-op run checks them all, and growing to 900,000 entries rehashes.
        _checked = NewEntries<ContentHash>(entries.Count);
    }

    public int Count => _entries.Count;

    /// <summary>Files actually read (not answered from the cache) since this instance was made.</summary>
    public long FilesHashed => Interlocked.Read(ref _filesHashed);

    private long _filesHashed;

    /// <summary>Files whose stamp was read (stat'ed) since this instance was made.</summary>
    public long StampsRead => Interlocked.Read(ref _stampsRead);

    private long _stampsRead;

    public static FileHashCache InMemory() => new(null, NewEntries(0));

    public static FileHashCache Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            // A missing cache is an empty one: every file is simply hashed again.
            return new FileHashCache(path, NewEntries(0));
        }

        var magic = bytes.Length >= HeaderSize ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : 0;
        return magic switch
        {
            Magic => new FileHashCache(path, ReadRecords(bytes)),
            // Saved again in the current format even when nothing changes, or every later run would read the paths.
            MagicWithPaths => new FileHashCache(path, ReadWithPaths(bytes)) { _dirty = 1 },
            _ => new FileHashCache(path, NewEntries(0)),
        };
    }

    /// <summary>A truncated file keeps the whole records it has.</summary>
    private static ConcurrentDictionary<UInt128, Entry> ReadRecords(byte[] bytes)
    {
        var count = Math.Min(BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)), (bytes.Length - HeaderSize) / RecordSize);
        var entries = NewEntries(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var record = bytes.AsSpan(HeaderSize + (i * RecordSize), RecordSize);
            var key = new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(record), BinaryPrimitives.ReadUInt64LittleEndian(record[8..]));
            var stamp = new FileStamp(
                BinaryPrimitives.ReadInt64LittleEndian(record[16..]),
                BinaryPrimitives.ReadInt64LittleEndian(record[24..]),
                BinaryPrimitives.ReadInt64LittleEndian(record[32..]),
                BinaryPrimitives.ReadUInt64LittleEndian(record[40..]));
            var hash = new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(record[48..]), BinaryPrimitives.ReadUInt64LittleEndian(record[56..]));
            entries[key] = new Entry(stamp, new ContentHash(hash));
        }

        return entries;
    }

    private static ConcurrentDictionary<UInt128, Entry> ReadWithPaths(byte[] bytes)
    {
        var entries = NewEntries(0);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            reader.ReadUInt32();
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var file = reader.ReadString();
                var stamp = new FileStamp(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadUInt64());
                var hash = new ContentHash(new UInt128(reader.ReadUInt64(), reader.ReadUInt64()));
                entries[KeyOf(file)] = new Entry(stamp, hash);
            }
        }
        catch (EndOfStreamException)
        {
            // A truncated cache keeps what it read: the rest is simply hashed again.
        }

        return entries;
    }

    private static ConcurrentDictionary<UInt128, Entry> NewEntries(int capacity) => NewEntries<Entry>(capacity);

    private static ConcurrentDictionary<UInt128, T> NewEntries<T>(int capacity) =>
        new(Environment.ProcessorCount, Math.Max(capacity, 31));

    private static UInt128 KeyOf(string fullPath)
    {
        const int OnStack = 1024;
        var most = Encoding.UTF8.GetMaxByteCount(fullPath.Length);
        if (most <= OnStack)
        {
            // As long as the path needs, not the most: the stack space is cleared first, once per file looked up.
            Span<byte> bytes = stackalloc byte[most];
            return XxHash128.HashToUInt128(bytes[..Encoding.UTF8.GetBytes(fullPath, bytes)]);
        }

        var rented = ArrayPool<byte>.Shared.Rent(most);
        try
        {
            return XxHash128.HashToUInt128(rented.AsSpan(0, Encoding.UTF8.GetBytes(fullPath, rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// From now on a file whose stamp was checked is answered without stat'ing it again, until <see cref="ForgetChecks"/>
    /// or <see cref="Remember(string, ContentHash)"/> of it: a no-op run's second stage reads the first one's outputs,
    /// which the first stage's check of its outputs has just stat'ed (300,000 <c>statx</c> calls at 300,000 items). Only
    /// while nothing but the caller changes the files: a pipeline trusts its checks while its stages change nothing.
    /// The trust is bounded on purpose: it is never saved, so it lasts one run in one process (the next run loads the
    /// cache afresh and stat's every file again), and a stage that publishes anything ends it. What it gives up is an
    /// edit made by someone else while a run is in progress: that run's later stages may miss it; the next run sees it.
    /// </summary>
    public void TrustChecks() => _trustChecks = true;

    /// <summary>Stat's every file again from now on, as before <see cref="TrustChecks"/>.</summary>
    public void ForgetChecks()
    {
        _trustChecks = false;
        _checked.Clear();
    }

    /// <summary>The content hash of <paramref name="fullPath"/>, or null when the file does not exist.</summary>
    public ContentHash? TryHash(string fullPath, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(fullPath);
        var trusted = _trustChecks;
        if (trusted && _checked.TryGetValue(key, out var checkedHash))
        {
            return checkedHash;
        }

        Interlocked.Increment(ref _stampsRead);
        var stamp = FileStamp.Read(fullPath);
        if (stamp is null)
        {
            _entries.TryRemove(key, out _);
            _checked.TryRemove(key, out _);
            return null;
        }

        if (_entries.TryGetValue(key, out var known) && known.Stamp == stamp.Value)
        {
            if (trusted)
            {
                _checked[key] = known.Hash;
            }

            return known.Hash;
        }

        var hash = FileHasher.Hash(fullPath, cancellationToken);
        // Stamp after reading too: a file rewritten while it was read must not be remembered.
        if (FileStamp.Read(fullPath) == stamp)
        {
            Remember(key, stamp.Value, hash);
            if (trusted)
            {
                _checked[key] = hash;
            }
        }

        Interlocked.Increment(ref _filesHashed);
        return hash;
    }

    public ContentHash Hash(string fullPath, CancellationToken cancellationToken = default) =>
        TryHash(fullPath, cancellationToken) ?? throw new FileNotFoundException($"'{fullPath}' does not exist.", fullPath);

    /// <summary>Records a hash the caller already knows (for example of a file it just wrote).</summary>
    public void Remember(string fullPath, ContentHash hash)
    {
        if (FileStamp.Read(fullPath) is { } stamp)
        {
            Remember(KeyOf(fullPath), stamp, hash);
        }
    }

    private void Remember(UInt128 key, FileStamp stamp, ContentHash hash)
    {
        _checked.TryRemove(key, out _);
        _entries[key] = new Entry(stamp, hash);
        Interlocked.Exchange(ref _dirty, 1);
    }

    public void Save()
    {
        if (_path is null || Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        var snapshot = _entries.ToArray();
        var bytes = new byte[HeaderSize + (snapshot.Length * RecordSize)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), snapshot.Length);
        for (var i = 0; i < snapshot.Length; i++)
        {
            var (key, entry) = snapshot[i];
            var record = bytes.AsSpan(HeaderSize + (i * RecordSize), RecordSize);
            BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)(key >> 64));
            BinaryPrimitives.WriteUInt64LittleEndian(record[8..], (ulong)key);
            BinaryPrimitives.WriteInt64LittleEndian(record[16..], entry.Stamp.Size);
            BinaryPrimitives.WriteInt64LittleEndian(record[24..], entry.Stamp.ModifiedNs);
            BinaryPrimitives.WriteInt64LittleEndian(record[32..], entry.Stamp.ChangedNs);
            BinaryPrimitives.WriteUInt64LittleEndian(record[40..], entry.Stamp.Inode);
            BinaryPrimitives.WriteUInt64LittleEndian(record[48..], (ulong)(entry.Hash.Value >> 64));
            BinaryPrimitives.WriteUInt64LittleEndian(record[56..], (ulong)entry.Hash.Value);
        }

        AtomicFile.WriteAllBytes(_path, bytes);
    }

    private readonly record struct Entry(FileStamp Stamp, ContentHash Hash);
}
