using System.Text;

namespace Sonique.Files;

/// <summary>
/// Writes whole files through a temporary file in the same folder and a rename, so a reader, or a run killed halfway,
/// sees the old content or the new one, never a mix (the rename stays on one file system because the folder is the same).
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// UTF-8 without a byte order mark, what Python's <c>open(..., "w")</c> writes on Linux. A lone surrogate (only possible
    /// in a malformed clip id or tag) becomes U+FFFD rather than failing the whole write.
    /// </summary>
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temporary) = Prepare(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Utf8.GetBytes(text));

    /// <summary>A cancellation before the rename leaves the old file in place and no temporary file behind.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temporary) = Prepare(path);
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 65536, useAsync: true))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public static Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        var bytes = Utf8.GetBytes(text);
        return WriteAsync(path, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken);
    }

    /// <summary>A unique name in the same folder, so that the final rename stays on one file system.</summary>
    public static string TemporaryPathBeside(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>Deletes a file if it can; one that is gone, in use or protected is left to the next run.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static (string Full, string Temporary) Prepare(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return (full, TemporaryPathBeside(full));
    }
}
