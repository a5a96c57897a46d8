using System.Text;

namespace Sonique.Dataset.Pairs;

/// <summary>
/// Writes whole files through a temporary file in the same folder and a rename, so a reader, or a run killed halfway,
/// sees the old content or the new one, never a mix (the rename stays on one file system because the folder is the same).
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// UTF-8 without a byte order mark, what Python's <c>open(..., "w")</c> writes on Linux. A lone surrogate (only possible
    /// in a malformed clip id or tag, since the JSONL is all ASCII) becomes U+FFFD rather than failing the whole stage.
    /// </summary>
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
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

    public static Task WriteTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        var bytes = Utf8.GetBytes(text);
        return WriteAsync(path, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken);
    }

    private static void TryDelete(string path)
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
}
