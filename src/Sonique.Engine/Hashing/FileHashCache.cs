using System.Collections.Concurrent;
using Sonique.Files;

namespace Sonique.Engine.Hashing;

/// <summary>
/// Remembers each file's hash under its <see cref="FileStamp"/> so that an unchanged tree is not read
/// again. Persisted as a compact binary file; a damaged file is discarded, which only costs a rehash.
/// </summary>
public sealed class FileHashCache
{
    private const uint Magic = 0x53484331; // "SHC1"
    private readonly ConcurrentDictionary<string, Entry> _entries;
    private readonly string? _path;
    private int _dirty;

    private FileHashCache(string? path, ConcurrentDictionary<string, Entry> entries)
    {
        _path = path;
        _entries = entries;
    }

    public int Count => _entries.Count;

    /// <summary>Files actually read (not answered from the cache) since this instance was made.</summary>
    public long FilesHashed => Interlocked.Read(ref _filesHashed);

    private long _filesHashed;

    public static FileHashCache InMemory() => new(null, new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal));

    public static FileHashCache Load(string path)
    {
        var entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadUInt32() != Magic)
            {
                return new FileHashCache(path, entries);
            }

            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var file = reader.ReadString();
                var stamp = new FileStamp(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadUInt64());
                var hash = new ContentHash(new UInt128(reader.ReadUInt64(), reader.ReadUInt64()));
                entries[file] = new Entry(stamp, hash);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or EndOfStreamException or IOException)
        {
            // A missing or truncated cache is an empty one: every file is simply hashed again.
        }

        return new FileHashCache(path, entries);
    }

    /// <summary>The content hash of <paramref name="fullPath"/>, or null when the file does not exist.</summary>
    public ContentHash? TryHash(string fullPath, CancellationToken cancellationToken = default)
    {
        var stamp = FileStamp.Read(fullPath);
        if (stamp is null)
        {
            _entries.TryRemove(fullPath, out _);
            return null;
        }

        if (_entries.TryGetValue(fullPath, out var known) && known.Stamp == stamp.Value)
        {
            return known.Hash;
        }

        var hash = FileHasher.Hash(fullPath, cancellationToken);
        // Stamp after reading too: a file rewritten while it was read must not be remembered.
        if (FileStamp.Read(fullPath) == stamp)
        {
            Remember(fullPath, stamp.Value, hash);
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
            Remember(fullPath, stamp, hash);
        }
    }

    private void Remember(string fullPath, FileStamp stamp, ContentHash hash)
    {
        _entries[fullPath] = new Entry(stamp, hash);
        Interlocked.Exchange(ref _dirty, 1);
    }

    public void Save()
    {
        if (_path is null || Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        AtomicFile.Write(_path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            var snapshot = _entries.ToArray();
            writer.Write(Magic);
            writer.Write(snapshot.Length);
            foreach (var (file, entry) in snapshot)
            {
                writer.Write(file);
                writer.Write(entry.Stamp.Size);
                writer.Write(entry.Stamp.ModifiedNs);
                writer.Write(entry.Stamp.ChangedNs);
                writer.Write(entry.Stamp.Inode);
                writer.Write((ulong)(entry.Hash.Value >> 64));
                writer.Write((ulong)entry.Hash.Value);
            }
        });
    }

    private readonly record struct Entry(FileStamp Stamp, ContentHash Hash);
}
