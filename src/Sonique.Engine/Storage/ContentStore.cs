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
/// verified against its name every time it is restored, so a damaged entry is caught and removed.
/// </summary>
public sealed class ContentStore(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string PathOf(ContentHash hash)
    {
        var hex = hash.ToString();
        return Path.Combine(Root, hex[..2], hex[2..]);
    }

    public bool Contains(ContentHash hash) => File.Exists(PathOf(hash));

    /// <summary>Stores a copy of <paramref name="file"/> and returns its hash, computed while copying, so the
    /// file is read once.</summary>
    public async Task<ContentHash> AddAsync(string file, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        var temporary = AtomicFile.TemporaryPathBeside(Path.Combine(Root, "incoming"));
        try
        {
            var hash = await FileHasher.CopyAsync(file, temporary, cancellationToken);
            var target = PathOf(hash);
            if (File.Exists(target))
            {
                AtomicFile.TryDelete(temporary);
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temporary, target, overwrite: true);
            }

            return hash;
        }
        catch
        {
            AtomicFile.TryDelete(temporary);
            throw;
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

    /// <summary>Copies the blob to <paramref name="destination"/> (which must not exist), checking its hash
    /// on the way. A blob whose bytes no longer match its name is deleted and reported as corrupt.</summary>
    public async Task<RestoreResult> TryRestoreAsync(ContentHash hash, string destination, CancellationToken cancellationToken)
    {
        var source = PathOf(hash);
        if (!File.Exists(source))
        {
            return RestoreResult.Missing;
        }

        ContentHash copied;
        try
        {
            copied = await FileHasher.CopyAsync(source, destination, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return RestoreResult.Missing;
        }

        if (copied == hash)
        {
            return RestoreResult.Restored;
        }

        AtomicFile.TryDelete(destination);
        AtomicFile.TryDelete(source);
        return RestoreResult.Corrupt;
    }
}
