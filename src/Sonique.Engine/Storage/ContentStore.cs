using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Hashing;
using Sonique.Engine.Hashing;
using Sonique.Files;

namespace Sonique.Engine;

/// <summary>The outcome of asking the store for a blob.</summary>
public enum RestoreResult
{
    Restored,
    Missing,
    Corrupt,
}

/// <summary>
/// Content-addressed blobs under one folder (<c>ab/cdef...</c>, as git and DVC lay them out). A blob is
/// verified against its name every time it is restored, so a damaged entry is caught and removed. With a
/// <see cref="CacheLinkType"/> other than copy, a blob and the file it came from or went to share their bytes on disk.
/// </summary>
public sealed class ContentStore(string root, CacheLinkType linkType = CacheLinkType.Copy)
{
    private const int StreamBufferSize = 1 << 20;

    private readonly Lock _choosing = new();

    /// <summary>Blobs this process streamed in, hashed every byte of and flushed to disk, with their size, write time and
    /// inode as they entered the store: the first hard link of one needs no second read to verify it (any later one is
    /// verified as usual).</summary>
    private readonly ConcurrentDictionary<ContentHash, (long Size, long ModifiedNs, ulong Inode)> _streamedIn = new();
    private CacheLinkType? _chosen;

    public string Root { get; } = Path.GetFullPath(root);

    public string PathOf(ContentHash hash)
    {
        var hex = hash.ToString();
        return Path.Combine(Root, hex[..2], hex[2..]);
    }

    public bool Contains(ContentHash hash) => File.Exists(PathOf(hash));

    /// <summary>Stores <paramref name="file"/> and returns its hash, computed while copying (or, linked, by reading the
    /// one copy), so the file is read once. Linked, the blob takes the file's place in the store even when the store
    /// held one already: the file's bytes were just hashed, an older blob's are unknown, and the file is the one that
    /// will share them.</summary>
    public async Task<ContentHash> AddAsync(string file, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        var temporary = AtomicFile.TemporaryPathBeside(Path.Combine(Root, "incoming"));
        try
        {
            var (hash, linked) = await PlaceAsync(file, temporary, Path.GetDirectoryName(Path.GetFullPath(file))!, cancellationToken);
            var target = PathOf(hash);
            if (!linked && File.Exists(target))
            {
                AtomicFile.TryDelete(temporary);
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temporary, target, overwrite: true);
                // A rename between two names of one file (a stage that linked its output to a stored input) keeps both.
                AtomicFile.TryDelete(temporary);
            }

            return hash;
        }
        catch
        {
            AtomicFile.TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Streams <paramref name="source"/> into the store as the blob <paramref name="hash"/> in one pass: every byte
    /// is hashed on its way to a temporary file, which is flushed to disk and renamed into place only when the bytes are
    /// the blob, so a record written after this returns never names a blob that a crash could lose or tear. Returns the
    /// hash the bytes had and their length; anything but <paramref name="hash"/> is not stored.</summary>
    public async Task<(ContentHash Actual, long Length)> AddStreamAsync(ContentHash hash, Stream source, CancellationToken cancellationToken)
    {
        var target = PathOf(hash);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = AtomicFile.TemporaryPathBeside(target);
        var buffer = ArrayPool<byte>.Shared.Rent(StreamBufferSize);
        try
        {
            var hasher = new XxHash128();
            long length = 0;
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                // A socket gives a few kilobytes per read; whole buffers make a few hundred writes of a gigabyte, not tens of thousands.
                int read;
                while ((read = await source.ReadAtLeastAsync(buffer.AsMemory(0, StreamBufferSize), StreamBufferSize, throwOnEndOfStream: false, cancellationToken)) > 0)
                {
                    hasher.Append(buffer.AsSpan(0, read));
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    length += read;
                }

                var actual = new ContentHash(hasher.GetCurrentHashAsUInt128());
                if (actual != hash)
                {
                    return (actual, length);
                }

                output.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
            if (FileStamp.Read(target) is { } stamp)
            {
                _streamedIn[hash] = (stamp.Size, stamp.ModifiedNs, stamp.Inode);
            }

            return (hash, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            AtomicFile.TryDelete(temporary);
        }
    }

    /// <summary>Stores <paramref name="bytes"/> as a blob (a manifest, say) and returns its hash; a blob already there
    /// is kept as it is.</summary>
    public ContentHash AddBytes(ReadOnlySpan<byte> bytes)
    {
        var hash = ContentHash.Of(bytes);
        if (!Contains(hash))
        {
            AtomicFile.WriteAllBytes(PathOf(hash), bytes);
        }

        return hash;
    }

    /// <summary><see cref="AddBytes"/> for a caller that holds its bytes in memory and writes asynchronously.</summary>
    public async Task<ContentHash> AddBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var hash = ContentHash.Of(bytes.Span);
        if (!Contains(hash))
        {
            await AtomicFile.WriteAsync(PathOf(hash), (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken);
        }

        return hash;
    }

    /// <summary>The blob's bytes, checked against its hash: a blob whose bytes no longer match is deleted and reported as
    /// corrupt, as <see cref="TryRestoreAsync"/> does.</summary>
    public RestoreResult TryReadBytes(ContentHash hash, out byte[] bytes)
    {
        var path = PathOf(hash);
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            bytes = [];
            return RestoreResult.Missing;
        }

        if (ContentHash.Of(bytes) == hash)
        {
            return RestoreResult.Restored;
        }

        bytes = [];
        AtomicFile.TryDelete(path);
        return RestoreResult.Corrupt;
    }

    /// <summary>Puts the blob at <paramref name="destination"/> (which must not exist), checking its hash on the way:
    /// the bytes now at the destination are read whether they were copied or linked. A blob whose bytes no longer
    /// match its name is deleted and reported as corrupt.</summary>
    public async Task<RestoreResult> TryRestoreAsync(ContentHash hash, string destination, CancellationToken cancellationToken)
    {
        var source = PathOf(hash);
        if (!File.Exists(source))
        {
            return RestoreResult.Missing;
        }

        ContentHash restored;
        try
        {
            if (TryLinkStreamedIn(hash, source, destination))
            {
                return RestoreResult.Restored;
            }

            (restored, _) = await PlaceAsync(source, destination, Path.GetDirectoryName(Path.GetFullPath(destination))!, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return RestoreResult.Missing;
        }

        if (restored == hash)
        {
            return RestoreResult.Restored;
        }

        AtomicFile.TryDelete(destination);
        AtomicFile.TryDelete(source);
        return RestoreResult.Corrupt;
    }

    /// <summary>The link type in use: the one asked for, or for <see cref="CacheLinkType.Auto"/> the first the file
    /// systems of <paramref name="folder"/> and the store allow, probed once.</summary>
    public CacheLinkType LinkTypeFor(string folder)
    {
        lock (_choosing)
        {
            return _chosen ??= linkType == CacheLinkType.Auto ? FileLinks.Choose(linkType, folder, Root) : linkType;
        }
    }

    /// <summary>Hard-links a blob this process just streamed in and verified (<see cref="AddStreamAsync"/>), once, when it
    /// is still the file it wrote: the link is the same bytes, already hashed and on disk, so neither is done again.</summary>
    private bool TryLinkStreamedIn(ContentHash hash, string source, string destination)
    {
        if (!_streamedIn.TryRemove(hash, out var written)
            || FileStamp.Read(source) is not { } stamp
            || (stamp.Size, stamp.ModifiedNs, stamp.Inode) != written
            || LinkTypeFor(Path.GetDirectoryName(Path.GetFullPath(destination))!) != CacheLinkType.Hardlink
            || !FileLinks.TryHardLink(source, destination))
        {
            return false;
        }

        FileLinks.MakeReadOnly(destination);
        return true;
    }

    /// <summary>Puts <paramref name="source"/>'s bytes at the new file <paramref name="destination"/>, linked where it can
    /// (else copied: another file system, a file at the file system's link limit), and hashes what is now there.</summary>
    private async Task<(ContentHash Hash, bool Linked)> PlaceAsync(string source, string destination, string folder, CancellationToken cancellationToken)
    {
        switch (LinkTypeFor(folder))
        {
            case CacheLinkType.Reflink when FileLinks.TryReflink(source, destination):
                return (HashDurably(destination, cancellationToken), true);
            case CacheLinkType.Hardlink when FileLinks.TryHardLink(source, destination):
                FileLinks.MakeReadOnly(destination);
                return (HashDurably(destination, cancellationToken), true);
            default:
                return (await FileHasher.CopyAsync(source, destination, cancellationToken), false);
        }
    }

    /// <summary>Hashes a linked file and flushes it to disk, as a copy is flushed: a stage's output was written without,
    /// and the store's copy must survive a crash as a copied one does.</summary>
    private static ContentHash HashDurably(string path, CancellationToken cancellationToken)
    {
        var hash = FileHasher.Hash(path, cancellationToken);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        RandomAccess.FlushToDisk(handle);
        return hash;
    }
}
