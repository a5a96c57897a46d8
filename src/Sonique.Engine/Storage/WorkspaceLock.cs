using System.Globalization;

namespace Sonique.Engine;

/// <summary>
/// One run per workspace. The lock is an OS file lock, so a run killed with SIGKILL releases it with
/// its process and never leaves a stale lock behind.
/// </summary>
public sealed class WorkspaceLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _ownerPath;

    private WorkspaceLock(FileStream stream, string ownerPath)
    {
        _stream = stream;
        _ownerPath = ownerPath;
    }

    public static WorkspaceLock Acquire(string lockPath, string workspaceRoot)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var ownerPath = lockPath + ".owner";
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var owner = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}, started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z, command: {Environment.CommandLine}");
            File.WriteAllText(ownerPath, owner);
            return new WorkspaceLock(stream, ownerPath);
        }
        catch (IOException)
        {
            var owner = File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "unknown";
            throw new WorkspaceBusyException(workspaceRoot, owner);
        }
    }

    public void Dispose()
    {
        AtomicFile.TryDelete(_ownerPath);
        _stream.Dispose();
    }
}

/// <summary>Another run holds the workspace.</summary>
public sealed class WorkspaceBusyException(string workspace, string owner)
    : Exception($"Another Sonique run is using the workspace '{workspace}' ({owner}). Wait for it to finish, or stop it, then run again.");
