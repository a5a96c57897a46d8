using Sonique.Files;

namespace Sonique.Engine;

/// <summary>
/// The engine's workspace: its folder, whose paths <see cref="WorkspaceFolder"/> makes safe, and where the engine
/// keeps its lock file and, under <c>cache/</c>, everything local to this machine.
/// </summary>
public sealed class Workspace : WorkspaceFolder
{
    public Workspace(string root, string lockFileName = "sonique.lock")
        : base(root)
    {
        LockFilePath = Path.Combine(Root, lockFileName);
        CacheDirectory = Path.Combine(Root, "cache");
    }

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
}
