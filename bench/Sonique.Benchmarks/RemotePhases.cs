using System.Buffers;
using System.Diagnostics;
using System.IO.Hashing;
using Sonique.Engine;
using Sonique.Engine.Hashing;

namespace Sonique.Benchmarks;

/// <summary>
/// Where a restore from the remote goes, step by step, each step timed over the same objects at the same parallelism
/// as the engine: the transfer alone (read and dropped), then with the hash, then written to the store's files, then
/// flushed to disk; the restore of those blobs into a workspace; and the records an item leaves (run cache entry,
/// journal line). Only the engine's public API and the remote's client are used, so the engine needs no instrumentation.
/// </summary>
internal static class RemotePhases
{
    private const int BufferSize = 1 << 20;

    private enum Through
    {
        Transfer,
        Hash,
        Write,
        Flush,
    }

    public static async Task<IReadOnlyList<(string Step, TimeSpan Time)>> MeasureAsync(
        IRemoteCache remote, IReadOnlyList<ContentHash> hashes, int transfers, string scratch, CancellationToken cancellationToken)
    {
        var steps = new List<(string, TimeSpan)>
        {
            ("transfer (read and dropped)", await PullAsync(Through.Transfer)),
            ("+ hash while it streams", await PullAsync(Through.Hash)),
            ("+ write to the store's files", await PullAsync(Through.Write)),
        };
        var store = Path.Combine(scratch, "phases-store");
        steps.Add(("+ flush each file to disk", await PullAsync(Through.Flush, store)));
        steps.Add(("restore into a workspace (hard link, verified)", await RestoreAsync(store)));
        steps.Add(("run cache entries, one per item", Records(scratch, (runs, _, hash) => runs.Put(hash, Outputs(hash)))));
        steps.Add(("journal lines, one per item", Records(scratch, (_, journal, hash) => journal.CommitItem("Blobs", hash.ToString(), new ItemRecord { Fingerprint = hash.ToString(), Outputs = Outputs(hash) }))));
        Directory.Delete(store, recursive: true);
        return steps;

        async Task<TimeSpan> PullAsync(Through through, string? folder = null)
        {
            folder ??= Path.Combine(scratch, "phases-pull");
            var files = new ContentStore(folder);
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(
                hashes,
                new ParallelOptions { MaxDegreeOfParallelism = transfers, CancellationToken = cancellationToken },
                async (hash, token) =>
                {
                    var target = files.PathOf(hash);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await using var source = await remote.TryOpenBlobAsync(hash, token) ?? throw new InvalidOperationException($"{hash} is not on the remote");
                    await using var output = through >= Through.Write ? new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous) : null;
                    var hasher = new XxHash128();
                    var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                    try
                    {
                        int read;
                        while ((read = await source.ReadAtLeastAsync(buffer.AsMemory(0, BufferSize), BufferSize, throwOnEndOfStream: false, token)) > 0)
                        {
                            if (through >= Through.Hash)
                            {
                                hasher.Append(buffer.AsSpan(0, read));
                            }

                            if (output is not null)
                            {
                                await output.WriteAsync(buffer.AsMemory(0, read), token);
                            }
                        }

                        if (through == Through.Flush)
                        {
                            output!.Flush(flushToDisk: true);
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                });
            var elapsed = clock.Elapsed;
            if (through != Through.Flush && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            return elapsed;
        }

        async Task<TimeSpan> RestoreAsync(string folder)
        {
            var store = new ContentStore(folder, CacheLinkType.Hardlink);
            var workspace = Path.Combine(scratch, "phases-workspace");
            Directory.CreateDirectory(workspace);
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(
                hashes,
                new ParallelOptions { MaxDegreeOfParallelism = transfers, CancellationToken = cancellationToken },
                async (hash, token) =>
                {
                    if (await store.TryRestoreAsync(hash, Path.Combine(workspace, hash.ToString()), token) != RestoreResult.Restored)
                    {
                        throw new InvalidOperationException($"{hash} did not restore");
                    }
                });
            var elapsed = clock.Elapsed;
            Directory.Delete(workspace, recursive: true);
            return elapsed;
        }

        TimeSpan Records(string root, Action<RunCache, LockFile, ContentHash> write)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, "phases-records")).FullName;
            var runs = new RunCache(Path.Combine(folder, "runs"));
            var elapsed = TimeSpan.Zero;
            using (var journal = LockFile.Open(Path.Combine(folder, "sonique.lock"), Path.Combine(folder, "journal"), new ContentStore(Path.Combine(folder, "store"))))
            {
                elapsed = Timing.Time(() => Parallel.ForEach(hashes, new ParallelOptions { MaxDegreeOfParallelism = transfers }, hash => write(runs, journal, hash)));
            }

            Directory.Delete(folder, recursive: true);
            return elapsed;
        }
    }

    private static SortedDictionary<string, string> Outputs(ContentHash hash) => new(StringComparer.Ordinal) { [$"out/{hash}.bin"] = hash.ToString() };
}
