using System.Buffers;
using System.IO.Hashing;

namespace Sonique.Engine.Hashing;

/// <summary>Hashes file content. Reads are synchronous on purpose: hashing is bound by the page
/// cache and the CPU, and callers parallelise across files.</summary>
public static class FileHasher
{
    private const int BufferSize = 1 << 20;

    public static ContentHash Hash(string path, CancellationToken cancellationToken = default)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var hasher = new XxHash128();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer.AsSpan(0, BufferSize), offset)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hasher.Append(buffer.AsSpan(0, read));
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new ContentHash(hasher.GetCurrentHashAsUInt128());
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> and returns the hash of
    /// the bytes copied, so that a copy can be verified without a second read.</summary>
    public static async Task<ContentHash> CopyAsync(string source, string destination, CancellationToken cancellationToken)
    {
        var hasher = new XxHash128();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            output.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new ContentHash(hasher.GetCurrentHashAsUInt128());
    }
}
