namespace Sonique.Files;

/// <summary>
/// The folder a pipeline works in, and the single place where workspace-relative paths become real ones. Paths
/// from stages and from outside are untrusted: anything that would leave the workspace, by its text or through a
/// symbolic link, is refused. Knows nothing of stages, so the libraries that take paths from outside can use it.
/// </summary>
public class WorkspaceFolder
{
    public WorkspaceFolder(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

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

    /// <summary>
    /// Whether a path stays inside the workspace once every symbolic link on its way (the file, its folders, the
    /// workspace's own) is followed: <see cref="Resolve"/> only looks at the text, and a link inside can lead out.
    /// Throws <see cref="IOException"/> for a link loop.
    /// </summary>
    public bool ResolvesInside(string fullPath)
    {
        var real = RealPath(fullPath);
        var root = RealPath(Root);
        return real.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>
    /// The path with every symbolic link followed, as the operating system would open it (POSIX realpath, in
    /// managed code): a link's ".." climbs from where the link really is, not from its name. Parts that do not
    /// exist are kept as they are. Throws <see cref="IOException"/> after 40 links, as Linux does for a loop.
    /// </summary>
    public static string RealPath(string path)
    {
        const int MaxLinks = 40;
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var pending = new LinkedList<string>(Parts(full[current.Length..]));
        var links = 0;
        while (pending.First is { } first)
        {
            pending.RemoveFirst();
            var part = first.Value;
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"Too many levels of symbolic links resolving '{path}' (a link loop).");
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }

            foreach (var targetPart in Parts(target).Reverse())
            {
                pending.AddFirst(targetPart);
            }
        }

        return current;
    }

    private static string[] Parts(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A path that would read or write outside the workspace.</summary>
public sealed class UnsafePathException(string path, string problem)
    : Exception($"Refusing path '{path}': {problem}.")
{
    public string PathGiven { get; } = path;
}
