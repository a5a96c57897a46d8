using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Sonique.Engine.Hashing;

namespace Sonique.Engine;

/// <summary>
/// The engine's side of a remote cache: pulls a run cache record or a blob the local cache misses (every blob verified
/// against its hash while it streams to disk, before it enters the store), and pushes finished work (its blobs, then
/// its record, so a reader never finds a record whose blobs are missing). A remote is never needed: a failure is
/// retried a few times when it may heal, then reported once, and the run goes on locally without the remote.
/// </summary>
internal sealed class RemoteCacheSync(IRemoteCache remote, ContentStore store, bool push, int transfers, IPipelineObserver? observer) : IDisposable
{
    private const int Attempts = 4;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Blobs the remote served with the wrong bytes: pushed again even though the remote says it has them.</summary>
    private readonly ConcurrentDictionary<ContentHash, byte> _rejected = new();
    private readonly ConcurrentDictionary<ContentHash, Lazy<Task<bool>>> _pushed = new();
    /// <summary>One per transfer in flight, pushes and pulls together.</summary>
    private readonly SemaphoreSlim _slots = new(Math.Max(1, transfers));
    private readonly List<Task> _pending = [];
    private TransferTally _pushes = new(TransferDirection.Push);
    private TransferTally _pulls = new(TransferDirection.Pull);
    private string? _failure;

    public string Name => remote.Name;

    public bool Pushes => push;

    /// <summary>How many blobs move to or from the remote at once (<c>cache.transfers</c>), whatever the stage's jobs.</summary>
    public int Transfers { get; } = Math.Max(1, transfers);

    /// <summary>Why the remote was given up in this run, or null while it works.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    public async Task<SortedDictionary<string, string>?> TryPullRecordAsync(string stage, ContentHash fingerprint, CancellationToken cancellationToken)
    {
        var bytes = await AttemptAsync(stage, token => remote.TryGetRecordAsync(fingerprint, token), null, cancellationToken);
        if (bytes is null)
        {
            return null;
        }

        SortedDictionary<string, string>? outputs;
        try
        {
            outputs = JsonSerializer.Deserialize(bytes, EngineJsonContext.Default.SortedDictionaryStringString);
        }
        catch (JsonException)
        {
            outputs = null;
        }

        if (outputs is null || outputs.Values.Any(v => !ContentHash.TryParse(v, out _)))
        {
            observer?.Warning(stage, $"the record for {fingerprint} on the remote cache {remote.Name} is damaged; it was ignored and the work is redone");
            return null;
        }

        return new SortedDictionary<string, string>(outputs, StringComparer.Ordinal);
    }

    /// <summary>Fetches a blob into the local store. False when the remote has none, serves bytes that are not the
    /// blob (reported, and replaced by the next push), or cannot be reached.</summary>
    public async Task<bool> TryPullBlobAsync(string stage, ContentHash hash, CancellationToken cancellationToken)
    {
        try
        {
            return await AttemptAsync(stage, token => PullVerifiedAsync(hash, token), false, cancellationToken);
        }
        catch (ForeignBlobException e)
        {
            _rejected.TryAdd(hash, 0);
            observer?.Warning(stage, $"the remote cache {remote.Name} holds a corrupt or foreign object under {hash} (its bytes hash to {e.Actual}); it was ignored, the work is redone and the object replaced");
            return false;
        }
    }

    /// <summary>Pulls every listed blob the local store lacks, several at once.</summary>
    public async Task<int> PullMissingAsync(string stage, IEnumerable<ContentHash> hashes, CancellationToken cancellationToken)
    {
        var pulled = 0;
        await Parallel.ForEachAsync(
            hashes.Distinct().Where(h => !store.Contains(h)),
            new ParallelOptions { MaxDegreeOfParallelism = Transfers, CancellationToken = cancellationToken },
            async (hash, token) =>
            {
                if (await TryPullBlobAsync(stage, hash, token))
                {
                    Interlocked.Increment(ref pulled);
                }
            });
        return pulled;
    }

    /// <summary>Starts pushing one finished result (when this remote is pushed to): its blobs, then its record.</summary>
    public void EnqueuePush(string stage, ContentHash fingerprint, IReadOnlyDictionary<string, string> outputs, CancellationToken cancellationToken)
    {
        if (!push || Failure is not null)
        {
            return;
        }

        var task = PushResultAsync(stage, fingerprint, new SortedDictionary<string, string>(outputs.ToDictionary(), StringComparer.Ordinal), cancellationToken);
        lock (_pending)
        {
            _pending.Add(task);
        }
    }

    /// <summary>Starts pushing blobs that no record names (the lock's manifests).</summary>
    public void EnqueuePush(string stage, IEnumerable<ContentHash> blobs, CancellationToken cancellationToken)
    {
        if (!push || Failure is not null)
        {
            return;
        }

        var task = Task.WhenAll(blobs.Distinct().Select(h => PushBlobOnceAsync(stage, h, cancellationToken)));
        lock (_pending)
        {
            _pending.Add(task);
        }
    }

    /// <summary>Waits for every push started so far; the progress of this batch ends here.</summary>
    public async Task CompletePushesAsync()
    {
        Task[] pending;
        lock (_pending)
        {
            pending = [.. _pending];
            _pending.Clear();
        }

        await Task.WhenAll(pending);
        var tally = Interlocked.Exchange(ref _pushes, new TransferTally(TransferDirection.Push));
        if (tally.Started > 0)
        {
            observer?.Transferring(tally.Snapshot() with { Done = true });
        }
    }

    /// <summary>Ends the pull progress of a batch (a stage, a Pull).</summary>
    public void CompletePulls()
    {
        var tally = Interlocked.Exchange(ref _pulls, new TransferTally(TransferDirection.Pull));
        if (tally.Started > 0)
        {
            observer?.Transferring(tally.Snapshot() with { Done = true });
        }
    }

    public void Dispose() => _slots.Dispose();

    private async Task PushResultAsync(string stage, ContentHash fingerprint, SortedDictionary<string, string> outputs, CancellationToken cancellationToken)
    {
        var blobs = await Task.WhenAll(outputs.Values.Distinct().Select(h => PushBlobOnceAsync(stage, ContentHash.Parse(h), cancellationToken)));
        if (blobs.All(pushed => pushed))
        {
            var record = JsonSerializer.SerializeToUtf8Bytes(outputs, EngineJsonContext.Default.SortedDictionaryStringString);
            await AttemptAsync(
                stage,
                async token =>
                {
                    await remote.PutRecordAsync(fingerprint, record, token);
                    return true;
                },
                false,
                cancellationToken);
        }
    }

    private Task<bool> PushBlobOnceAsync(string stage, ContentHash hash, CancellationToken cancellationToken) =>
        _pushed.GetOrAdd(hash, h => new Lazy<Task<bool>>(() => PushBlobAsync(stage, h, cancellationToken))).Value;

    private async Task<bool> PushBlobAsync(string stage, ContentHash hash, CancellationToken cancellationToken)
    {
        var file = store.PathOf(hash);
        long length;
        try
        {
            length = new FileInfo(file).Length;
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        var tally = _pushes;
        tally.Start(length);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await AttemptAsync(
                stage,
                async token =>
                {
                    if (_rejected.ContainsKey(hash) || !await remote.HasBlobAsync(hash, token))
                    {
                        await remote.PutBlobAsync(hash, file, token);
                    }

                    return true;
                },
                false,
                cancellationToken);
        }
        finally
        {
            _slots.Release();
            tally.Finish(length);
            observer?.Transferring(tally.Snapshot());
        }
    }

    /// <summary>Streams the blob into the store (<see cref="ContentStore.AddStreamAsync"/>: hashed on the way, flushed,
    /// renamed into place only when every byte hashed to the blob's name), one of at most <c>transfers</c> at once.</summary>
    private async Task<bool> PullVerifiedAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        var tally = _pulls;
        tally.Start(0);
        long copied = 0;
        try
        {
            await using var source = await remote.TryOpenBlobAsync(hash, cancellationToken);
            if (source is null)
            {
                return false;
            }

            (var actual, copied) = await store.AddStreamAsync(hash, source, cancellationToken);
            return actual == hash ? true : throw new ForeignBlobException(actual);
        }
        finally
        {
            _slots.Release();
            tally.Finish(copied, counted: copied);
            observer?.Transferring(tally.Snapshot());
        }
    }

    /// <summary>Runs one exchange with the remote: retried with a growing delay while it fails in a way that may heal,
    /// then given up for the rest of the run with one warning. A stop asked for by the user is not a failure.</summary>
    private async Task<T> AttemptAsync<T>(string stage, Func<CancellationToken, Task<T>> exchange, T unavailable, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (Failure is not null)
            {
                return unavailable;
            }

            try
            {
                return await exchange(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is RemoteCacheException or IOException or OperationCanceledException)
            {
                var transient = e is not RemoteCacheException { Transient: false };
                if (transient && attempt < Attempts)
                {
                    await Task.Delay(FirstRetryDelay * (1 << (attempt - 1)), cancellationToken);
                    continue;
                }

                GiveUp(stage, e);
                return unavailable;
            }
        }
    }

    private void GiveUp(string stage, Exception e)
    {
        var reason = e switch
        {
            RemoteCacheException => e.Message,
            OperationCanceledException => $"{remote.Name}: no answer in time",
            _ => $"{remote.Name}: {e.Message}",
        };
        if (Interlocked.CompareExchange(ref _failure, reason, null) is null)
        {
            observer?.Warning(stage, $"the remote cache failed ({reason}); the run goes on with the local cache only");
        }
    }

    private sealed class ForeignBlobException(ContentHash actual) : Exception($"the bytes hash to {actual}")
    {
        public ContentHash Actual { get; } = actual;
    }

    /// <summary>Objects and bytes of one batch of transfers, counted from many threads.</summary>
    private sealed class TransferTally(TransferDirection direction)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _started;
        private int _finished;
        private long _totalBytes;
        private long _bytes;

        public int Started => Volatile.Read(ref _started);

        public void Start(long length)
        {
            Interlocked.Increment(ref _started);
            Interlocked.Add(ref _totalBytes, length);
        }

        /// <summary>One object done; a pull learns its length only as it streams, so it counts it here.</summary>
        public void Finish(long length, long counted = 0)
        {
            Interlocked.Add(ref _totalBytes, counted);
            Interlocked.Add(ref _bytes, length);
            Interlocked.Increment(ref _finished);
        }

        public TransferProgress Snapshot() => new(direction, Volatile.Read(ref _finished), Started, Interlocked.Read(ref _bytes), Interlocked.Read(ref _totalBytes), _clock.Elapsed);
    }
}
