using Sonique.Engine;
using Sonique.Engine.Hashing;
using Sonique.Files;

namespace Sonique.Remote;

/// <summary>
/// A remote cache in a folder on a shared filesystem (<c>file:///path</c>), laid out as the HTTP protocol's paths:
/// <c>cas/&lt;hash&gt;</c> and <c>ac/&lt;key&gt;</c>. Every object is written to a temporary file beside its name and
/// renamed into place, so a reader never sees a partial one and machines putting the same object at once are safe.
/// </summary>
public sealed class FolderRemoteCache(string root, string name) : IRemoteCache
{
    private const int BufferSize = 1 << 20;

    public string Root { get; } = Path.GetFullPath(root);

    public string Name { get; } = name;

    public string BlobPath(ContentHash hash) => Path.Combine(Root, "cas", hash.ToString());

    public string RecordPath(ContentHash key) => Path.Combine(Root, "ac", key.ToString());

    public Task<bool> HasBlobAsync(ContentHash hash, CancellationToken cancellationToken) =>
        Exchange(() => Task.FromResult(File.Exists(BlobPath(hash))));

    public Task<Stream?> TryOpenBlobAsync(ContentHash hash, CancellationToken cancellationToken) =>
        Exchange(() => Task.FromResult<Stream?>(TryOpen(BlobPath(hash))));

    public Task PutBlobAsync(ContentHash hash, string file, CancellationToken cancellationToken) =>
        Exchange(async () =>
        {
            await using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await WriteAsync(BlobPath(hash), (output, token) => source.CopyToAsync(output, BufferSize, token), cancellationToken);
            return true;
        });

    public Task<byte[]?> TryGetRecordAsync(ContentHash key, CancellationToken cancellationToken) =>
        Exchange(async () =>
        {
            await using var stream = TryOpen(RecordPath(key));
            if (stream is null)
            {
                return null;
            }

            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        });

    public Task PutRecordAsync(ContentHash key, byte[] record, CancellationToken cancellationToken) =>
        Exchange(async () =>
        {
            await WriteAsync(RecordPath(key), (output, token) => output.WriteAsync(record, token).AsTask(), cancellationToken);
            return true;
        });

    private static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await AtomicFile.WriteAsync(path, write, cancellationToken);
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A folder that is gone (an unmounted share) is a remote that is down, not an empty one.</summary>
    private async Task<T> Exchange<T>(Func<Task<T>> exchange)
    {
        if (!Directory.Exists(Root))
        {
            throw new RemoteCacheException($"{Name}: the folder does not exist (is the shared filesystem mounted?)", transient: false);
        }

        try
        {
            return await exchange();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RemoteCacheException($"{Name}: access denied ({e.Message})", transient: false, e);
        }
        catch (IOException e)
        {
            throw new RemoteCacheException($"{Name}: {e.Message}", transient: true, e);
        }
    }
}
