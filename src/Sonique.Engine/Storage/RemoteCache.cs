using Sonique.Engine.Hashing;

namespace Sonique.Engine;

/// <summary>
/// A cache shared between machines: contents by their hash (the content store's blobs) and small records by a key
/// (a run cache entry under its fingerprint). Implementations with their protocols' dependencies live outside the
/// engine (<c>Sonique.Remote</c>). Nothing that comes back is trusted: the engine verifies every blob against its
/// hash. A failure is a <see cref="RemoteCacheException"/>, whose message names the remote by <see cref="Name"/>.
/// </summary>
public interface IRemoteCache
{
    /// <summary>The remote as a user may see it in a log: its address without credentials.</summary>
    string Name { get; }

    Task<bool> HasBlobAsync(ContentHash hash, CancellationToken cancellationToken);

    /// <summary>The blob's bytes as they arrive, or null when the remote has no such blob.</summary>
    Task<Stream?> TryOpenBlobAsync(ContentHash hash, CancellationToken cancellationToken);

    /// <summary>Uploads <paramref name="file"/> as the blob <paramref name="hash"/>, replacing what is there. Readers never
    /// see a partial blob, and many machines may put the same blob at once.</summary>
    Task PutBlobAsync(ContentHash hash, string file, CancellationToken cancellationToken);

    /// <summary>The record under <paramref name="key"/>, or null when there is none.</summary>
    Task<byte[]?> TryGetRecordAsync(ContentHash key, CancellationToken cancellationToken);

    Task PutRecordAsync(ContentHash key, byte[] record, CancellationToken cancellationToken);
}

/// <summary>A remote cache that could not answer. A transient failure (a timeout, a server error, a refused connection)
/// may heal on a retry; any other (wrong credentials, no such bucket) will not.</summary>
public sealed class RemoteCacheException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}

public enum TransferDirection
{
    Push,
    Pull,
}

/// <summary>How far a batch of transfers has got, for a progress bar; <paramref name="Done"/> on the batch's last report.</summary>
public sealed record TransferProgress(TransferDirection Direction, int Objects, int TotalObjects, long Bytes, long TotalBytes, TimeSpan Elapsed, bool Done = false)
{
    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / Elapsed.TotalSeconds : 0;

    /// <summary>At the rate so far; null before anything has moved.</summary>
    public TimeSpan? Left => Bytes > 0 && BytesPerSecond > 0 ? TimeSpan.FromSeconds((TotalBytes - Bytes) / BytesPerSecond) : null;
}
