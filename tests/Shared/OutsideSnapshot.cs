namespace Sonique.Tests.Shared;

/// <summary>
/// What a hostile input could damage outside a test's workspace: sentinel files (beside the workspace, and in
/// the current directory, where a tool's relative output path lands) and the repository's working tree.
/// Taken before the test acts; <see cref="AssertUnchanged"/> afterwards.
/// </summary>
internal sealed class OutsideSnapshot : IDisposable
{
    private readonly Dictionary<string, byte[]> _sentinels = new(StringComparer.Ordinal);
    private readonly string _gitStatus;

    /// <param name="besideWorkspace">A folder outside the workspace for one sentinel.</param>
    public OutsideSnapshot(string besideWorkspace)
    {
        BesideSentinel = Add(Path.Combine(besideWorkspace, "SENTINEL"));
        CurrentDirectorySentinelName = $"sonique-sentinel-{Guid.NewGuid():N}";
        Add(Path.Combine(Environment.CurrentDirectory, CurrentDirectorySentinelName));
        Repository = FindRepository();
        _gitStatus = GitStatus();
    }

    public string BesideSentinel { get; }

    /// <summary>A sentinel's bare name in the current directory: what an injected "-o NAME" would overwrite.</summary>
    public string CurrentDirectorySentinelName { get; }

    public string Repository { get; }

    public void AssertUnchanged()
    {
        foreach (var (path, bytes) in _sentinels)
        {
            Assert.Equal(bytes, File.ReadAllBytes(path));
        }

        Assert.Equal(_gitStatus, GitStatus());
    }

    public void Dispose()
    {
        foreach (var path in _sentinels.Keys)
        {
            File.Delete(path);
        }
    }

    private string Add(string path)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($"sentinel {Guid.NewGuid():N}\n");
        File.WriteAllBytes(path, bytes);
        _sentinels[path] = bytes;
        return path;
    }

    private string GitStatus() => TestMedia.Run("git", ["-C", Repository, "status", "--porcelain", "--untracked-files=all"]);

    private static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            // A worktree's .git is a file; a clone's a folder.
            if (Path.Exists(Path.Combine(folder.FullName, ".git")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No git repository above {AppContext.BaseDirectory}.");
    }
}
