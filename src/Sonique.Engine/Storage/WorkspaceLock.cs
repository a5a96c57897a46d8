using System.Globalization;
using Sonique.Files;

namespace Sonique.Engine;

/// <summary>
/// One run per workspace. The lock is an OS file lock, so a run killed with SIGKILL releases it with
/// its process and never leaves a stale lock behind.
/// </summary>
public sealed class WorkspaceLock : IDisposable
{
    // errno EROFS (Linux and macOS) and Windows' ERROR_WRITE_PROTECT: .NET reports both as a plain IOException
    // with this HResult, which is all that tells a read-only file system from a lock held by another run.
    private const int ReadOnlyFileSystem = 30;
    private const int WriteProtected = unchecked((int)0x80070013);

    private readonly FileStream _stream;
    private readonly string _ownerPath;

    private WorkspaceLock(FileStream stream, string ownerPath)
    {
        _stream = stream;
        _ownerPath = ownerPath;
    }

    public static WorkspaceLock Acquire(string lockPath, string workspaceRoot)
    {
        var ownerPath = OwnerPath(lockPath);
        FileStream stream;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (IsNotWritable(e))
        {
            throw new WorkspaceReadOnlyException(workspaceRoot, e);
        }
        catch (IOException)
        {
            throw new WorkspaceBusyException(workspaceRoot, ReadOwner(ownerPath) ?? "unknown");
        }

        try
        {
            var owner = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}, started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z, command: {Environment.CommandLine}");
            File.WriteAllText(ownerPath, owner);
            return new WorkspaceLock(stream, ownerPath);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Who holds the lock now ("pid ..., started ..., command: ..."; "unknown" when it did not say), or null when no
    /// run does. Takes no lock that a run could wait for and writes nothing, so it works on a read-only workspace.
    /// </summary>
    public static string? FindHolder(string lockPath)
    {
        var ownerPath = OwnerPath(lockPath);
        // A run writes the owner file once it holds the lock and deletes it when it lets go: without one, no
        // run is going (or one was killed, which released its lock), and the lock file need not be touched.
        if (!File.Exists(ownerPath))
        {
            return null;
        }

        try
        {
            // A shared lock is refused only while a run holds the exclusive one; it is let go at once.
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
        catch (IOException)
        {
            return ReadOwner(ownerPath) ?? "unknown";
        }
    }

    /// <summary>Whether <paramref name="e"/> says the file system refuses writes (mounted read-only, or no permission).</summary>
    public static bool IsNotWritable(Exception e) =>
        e is UnauthorizedAccessException || (e is IOException && e.HResult is ReadOnlyFileSystem or WriteProtected);

    public void Dispose()
    {
        AtomicFile.TryDelete(_ownerPath);
        _stream.Dispose();
    }

    private static string OwnerPath(string lockPath) => lockPath + ".owner";

    private static string? ReadOwner(string ownerPath)
    {
        try
        {
            var owner = File.ReadAllText(ownerPath).Trim();
            return owner.Length > 0 ? owner : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Another run holds the workspace.</summary>
public sealed class WorkspaceBusyException(string workspace, string owner)
    : Exception($"Another Sonique run is using the workspace '{workspace}' ({owner}). Wait for it to finish, or stop it, then run again. `--target=Status` shows its progress meanwhile.");

/// <summary>The workspace cannot be written (a read-only mount, or no permission): a run needs to write there.</summary>
public sealed class WorkspaceReadOnlyException(string workspace, Exception inner)
    : Exception($"The workspace '{workspace}' is read-only ({inner.Message}): a run writes its results and cache there. Make it writable, or pass --workspace=DIR for a writable folder; `--target=Status` works on a read-only workspace.", inner);
