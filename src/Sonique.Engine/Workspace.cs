namespace Sonique.Engine;

/// <summary>
/// The folder a pipeline works in, and the single place where workspace-relative paths become real
/// ones. Paths from stages and from outside are untrusted: anything that would leave the workspace is refused.
/// </summary>
public sealed class Workspace
{
    public Workspace(string root, string lockFileName = "sonique.lock")
    {
        Root = Path.GetFullPath(root);
        LockFilePath = Path.Combine(Root, lockFileName);
        CacheDirectory = Path.Combine(Root, "cache");
    }

    public string Root { get; }

    /// <summary>The lock file, meant to be committed.</summary>
    public string LockFilePath { get; }

    /// <summary>Everything local to this machine: the store, the run cache, the hash cache, the journal.</summary>
    public string CacheDirectory { get; }

    public string StoreDirectory => Path.Combine(CacheDirectory, "store");

    public string RunCacheDirectory => Path.Combine(CacheDirectory, "runs");

    public string HashCachePath => Path.Combine(CacheDirectory, "hashes.bin");

    public string JournalPath => Path.Combine(CacheDirectory, "lock.journal");

    public string StagingDirectory => Path.Combine(CacheDirectory, "staging");

    public string RunLockPath => Path.Combine(CacheDirectory, "run.lock");

    /// <summary>The full path of a workspace-relative path; throws when it is absolute or escapes the workspace.</summary>
    public string Resolve(string relativePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        if (Path.IsPathRooted(relativePath) || relativePath.Contains('\0'))
        {
            throw new UnsafePathException(relativePath, "it must be relative to the workspace");
        }

        var full = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!IsInside(full))
        {
            throw new UnsafePathException(relativePath, "it leaves the workspace");
        }

        return full;
    }

    /// <summary>Whether a path from outside (a catalog row, a config value) is a safe workspace-relative path.</summary>
    public bool TryResolve(string relativePath, out string fullPath)
    {
        try
        {
            fullPath = Resolve(relativePath);
            return true;
        }
        catch (Exception e) when (e is UnsafePathException or ArgumentException)
        {
            fullPath = string.Empty;
            return false;
        }
    }

    /// <summary>The workspace-relative form (with '/' separators) of a full path inside the workspace.</summary>
    public string Relative(string fullPath)
    {
        var full = Path.GetFullPath(fullPath);
        if (!IsInside(full))
        {
            throw new UnsafePathException(fullPath, "it is outside the workspace");
        }

        return Path.GetRelativePath(Root, full).Replace(Path.DirectorySeparatorChar, '/');
    }

    public bool IsInside(string fullPath) =>
        fullPath.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}

/// <summary>A path that would read or write outside the workspace.</summary>
public sealed class UnsafePathException(string path, string problem)
    : Exception($"Refusing path '{path}': {problem}.")
{
    public string PathGiven { get; } = path;
}
