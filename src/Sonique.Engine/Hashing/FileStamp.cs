using System.Runtime.InteropServices;

namespace Sonique.Engine.Hashing;

/// <summary>What the file system says about a file without reading it: enough to tell that a file
/// whose hash we remember has not changed since (DVC's and git's "stat cache").</summary>
public readonly record struct FileStamp(long Size, long ModifiedNs, long ChangedNs, ulong Inode)
{
    /// <summary>The stamp of <paramref name="path"/>, or null when no regular file is there.</summary>
    public static FileStamp? Read(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            return LinuxStat.Read(path);
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        // Elsewhere .NET exposes no inode; size and 100 ns write time still catch ordinary edits.
        return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks * 100, 0, 0);
    }
}

internal static partial class LinuxStat
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const ushort FileTypeMask = 0xF000;
    private const ushort RegularFile = 0x8000;

    public static FileStamp? Read(string path)
    {
        if (Statx(AtFdCwd, path, 0, StatxBasicStats, out var buffer) != 0)
        {
            return null;
        }

        if ((buffer.Mode & FileTypeMask) != RegularFile)
        {
            return null;
        }

        return new FileStamp(
            (long)buffer.Size,
            (buffer.MtimeSec * 1_000_000_000L) + buffer.MtimeNsec,
            (buffer.CtimeSec * 1_000_000_000L) + buffer.CtimeNsec,
            buffer.Inode);
    }

    // struct statx has one layout on every Linux architecture, unlike struct stat, which is why it is used here.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(96)] public long CtimeSec;
        [FieldOffset(104)] public uint CtimeNsec;
        [FieldOffset(112)] public long MtimeSec;
        [FieldOffset(120)] public uint MtimeNsec;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, out StatxBuffer buffer);
}
