using Sonique.Engine.Hashing;

namespace Sonique.Engine;

/// <summary>
/// Puts back what a fingerprint produced before: the run cache names the outputs, the content store holds them,
/// and every copy is verified on the way (the checkout of DVC's terms). What the local cache misses is asked of the
/// remote cache, when there is one: the record, then each missing blob, pulled into the local store first.
/// </summary>
internal sealed class OutputRestorer(Workspace workspace, RunCache runs, ContentStore store, FileHashCache hashes, OutputStaging staging, IPipelineObserver? observer, RemoteCacheSync? remote = null)
{
    /// <summary>The restored outputs, or null when they cannot all be restored (never computed, a blob missing, or a
    /// blob corrupt: that blob is removed and the work redone).</summary>
    public async Task<SortedDictionary<string, string>?> TryRestoreAsync(string stage, ContentHash fingerprint, IReadOnlyList<string> declared, CancellationToken cancellationToken)
    {
        var recorded = runs.TryGet(fingerprint);
        var fromRemote = false;
        if (recorded is null && remote is not null)
        {
            recorded = await remote.TryPullRecordAsync(stage, fingerprint, cancellationToken);
            fromRemote = recorded is not null;
        }

        if (recorded is null || !Covers(declared, recorded))
        {
            return null;
        }

        var folder = staging.NewFolder();
        try
        {
            var moves = new List<(string Staged, string Final, ContentHash Hash)>();
            foreach (var (path, text) in recorded)
            {
                var final = workspace.Resolve(path);
                var hash = ContentHash.Parse(text);
                if (hashes.TryHash(final, cancellationToken) == hash)
                {
                    continue;
                }

                var staged = Path.Combine(folder, moves.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var result = await store.TryRestoreAsync(hash, staged, cancellationToken);
                if (result == RestoreResult.Missing && remote is not null && await remote.TryPullBlobAsync(stage, hash, cancellationToken))
                {
                    result = await store.TryRestoreAsync(hash, staged, cancellationToken);
                }

                switch (result)
                {
                    case RestoreResult.Missing:
                        return null;
                    case RestoreResult.Corrupt:
                        observer?.Warning(stage, $"the stored copy of '{path}' ({hash}) was corrupt; it was removed and the work is redone{HowCorrupted(folder)}");
                        return null;
                }

                moves.Add((staged, final, hash));
            }

            foreach (var spec in declared.Where(PathSpec.IsFolder))
            {
                foreach (var stray in PathSpec.FilesUnder(workspace.Resolve(spec.TrimEnd('/'))).Where(f => !recorded.ContainsKey(workspace.Relative(f))).ToList())
                {
                    File.Delete(stray);
                }
            }

            foreach (var (staged, final, hash) in moves)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(final)!);
                File.Move(staged, final, overwrite: true);
                hashes.Remember(final, hash);
            }

            if (fromRemote)
            {
                runs.Put(fingerprint, recorded);
            }

            return new SortedDictionary<string, string>(recorded.ToDictionary(), StringComparer.Ordinal);
        }
        finally
        {
            OutputStaging.Delete(folder);
        }
    }

    /// <summary>The likely cause where outputs are hard links of the store's copies: only a write in place can change one
    /// (as root, since both are read-only), and it changes the other.</summary>
    private string HowCorrupted(string folder) => store.LinkTypeFor(folder) == CacheLinkType.Hardlink
        ? " (outputs are hard links of the store's copies: an output written in place changes its stored copy too)"
        : "";

    /// <summary>Whether a run cache entry holds exactly the outputs declared now (a file each, folders' files under them).</summary>
    private static bool Covers(IReadOnlyList<string> declared, SortedDictionary<string, string> recorded)
    {
        var files = declared.Where(d => !PathSpec.IsFolder(d)).ToList();
        var folders = declared.Where(PathSpec.IsFolder).ToList();
        return files.All(recorded.ContainsKey)
            && recorded.Keys.All(k => files.Contains(k) || folders.Any(f => k.StartsWith(f, StringComparison.Ordinal)));
    }
}
