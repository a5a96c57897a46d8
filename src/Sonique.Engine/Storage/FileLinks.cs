using System.Runtime.InteropServices;

namespace Sonique.Engine;

/// <summary>How an output and its copy in the content store share the disk (DVC's <c>cache.type</c>).</summary>
public enum CacheLinkType
{
    /// <summary>The first of <see cref="Reflink"/>, <see cref="Hardlink"/> and <see cref="Copy"/> the file system allows,
    /// probed once per run.</summary>
    Auto,

    /// <summary>A copy-on-write clone (btrfs, XFS): two independent files sharing their bytes until one is written.</summary>
    Reflink,

    /// <summary>One file under two names, made read-only, so a tool that writes a new file leaves the store alone.</summary>
    Hardlink,

    /// <summary>Two copies of the bytes.</summary>
    Copy,
}

/// <summary>
/// Second names for a file's bytes that copy nothing: a reflink (Linux's FICLONE, what <c>cp --reflink</c> does) or a
/// hard link (<c>link(2)</c>). Where the file system cannot make one, the Try methods say so and the caller copies.
/// </summary>
internal static partial class FileLinks
{
    // _IOW(0x94, 9, int) from linux/fs.h.
    private const uint Ficlone = 0x40049409;

    private const UnixFileMode Writable = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// The link type to use between files in <paramref name="folder"/> and the store at <paramref name="storeRoot"/>:
    /// <paramref name="requested"/> when the file systems can make it (tried on a scratch file in each), or for
    /// <see cref="CacheLinkType.Auto"/> the first that works. A requested reflink or hard link that cannot be made is
    /// refused with a <see cref="NotSupportedException"/> saying why, rather than quietly costing twice the disk.
    /// </summary>
    public static CacheLinkType Choose(CacheLinkType requested, string folder, string storeRoot)
    {
        if (requested == CacheLinkType.Copy)
        {
            return CacheLinkType.Copy;
        }

        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(storeRoot);
        var probe = Sonique.Files.AtomicFile.TemporaryPathBeside(Path.Combine(folder, "link-probe"));
        var second = Sonique.Files.AtomicFile.TemporaryPathBeside(Path.Combine(storeRoot, "link-probe"));
        try
        {
            File.WriteAllText(probe, "probe");
            if (requested is CacheLinkType.Auto or CacheLinkType.Reflink && TryReflink(probe, second))
            {
                return CacheLinkType.Reflink;
            }

            if (requested == CacheLinkType.Reflink)
            {
                throw new NotSupportedException(
                    $"The cache type reflink cannot be used: '{storeRoot}' and '{folder}' are not on one file system with copy-on-write clones (btrfs, XFS). Choose auto (a hard link, else a copy), hardlink or copy.");
            }

            if (TryHardLink(probe, second))
            {
                return CacheLinkType.Hardlink;
            }

            return requested == CacheLinkType.Hardlink
                ? throw new NotSupportedException(
                    $"The cache type hardlink cannot be used: '{storeRoot}' and '{folder}' are not on one file system that allows hard links. Choose auto (a copy here) or copy.")
                : CacheLinkType.Copy;
        }
        finally
        {
            Sonique.Files.AtomicFile.TryDelete(probe);
            Sonique.Files.AtomicFile.TryDelete(second);
        }
    }

    /// <summary>Clones <paramref name="source"/> to the new file <paramref name="destination"/>; false (and no
    /// destination) where the file system cannot. A missing source throws <see cref="FileNotFoundException"/>.</summary>
    public static bool TryReflink(string source, string destination)
    {
        if (!OperatingSystem.IsLinux() || IsSymbolicLink(source))
        {
            return false;
        }

        using var input = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.Read);
        int error;
        using (var output = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            if (Ioctl((int)output.DangerousGetHandle(), Ficlone, (int)input.DangerousGetHandle()) == 0)
            {
                return true;
            }

            error = Marshal.GetLastPInvokeError();
        }

        File.Delete(destination);
        return CannotLinkHere(error) ? false : throw new IOException($"Cloning '{source}' to '{destination}' failed: {Marshal.GetPInvokeErrorMessage(error)}.");
    }

    /// <summary>Gives <paramref name="source"/> the second name <paramref name="destination"/>; false where the file
    /// system cannot (another file system, no hard links, too many links already). A symbolic link is never linked:
    /// its target may be anyone's file.</summary>
    public static bool TryHardLink(string source, string destination)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) || IsSymbolicLink(source))
        {
            return false;
        }

        if (Link(source, destination) == 0)
        {
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        return error == NoSuchFile
            ? throw new FileNotFoundException($"'{source}' does not exist.", source)
            : CannotLinkHere(error) ? false : throw new IOException($"Linking '{source}' to '{destination}' failed: {Marshal.GetPInvokeErrorMessage(error)}.");
    }

    /// <summary>Takes every write permission away: a hard-linked output is the store's copy too, and an editor or tool
    /// that is refused writing in place writes a new file instead, which breaks the link and spares the store.</summary>
    public static void MakeReadOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & Writable) != 0)
            {
                File.SetUnixFileMode(path, mode & ~Writable);
            }
        }
    }

    private static bool IsSymbolicLink(string path) => new FileInfo(path).LinkTarget is not null;

    private const int NoSuchFile = 2; // ENOENT, the same on Linux and macOS

    /// <summary>The errors that mean "not here" rather than "something is wrong": EPERM, EACCES (a file system or a
    /// hardening setting that refuses), EXDEV (two file systems), EINVAL, ENOTTY, EOPNOTSUPP, ENOSYS (no clones),
    /// EMLINK (a file with as many links as the file system allows); macOS numbers ENOTSUP and EOPNOTSUPP otherwise.</summary>
    private static bool CannotLinkHere(int error) => OperatingSystem.IsMacOS()
        ? error is 1 or 13 or 18 or 22 or 31 or 45 or 102
        : error is 1 or 13 or 18 or 22 or 25 or 31 or 38 or 95;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, int argument);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string created);
}
