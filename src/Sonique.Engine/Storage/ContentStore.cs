using Sonique.Engine.Hashing;

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

    /// <summary>Stores a copy of <paramref name="file"/>, whose hash the caller has just computed.</summary>
    public async Task AddAsync(string file, ContentHash hash, CancellationToken cancellationToken)
    {
        var target = PathOf(hash);
        if (File.Exists(target))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = AtomicFile.TemporaryPathBeside(target);
        try
        {
            var copied = await FileHasher.CopyAsync(file, temporary, cancellationToken);
            if (copied != hash)
            {
                throw new IOException($"'{file}' changed while it was being stored (expected {hash}, read {copied}).");
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            AtomicFile.TryDelete(temporary);
            throw;
        }
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
