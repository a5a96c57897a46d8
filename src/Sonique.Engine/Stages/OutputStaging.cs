using Sonique.Engine.Hashing;

namespace Sonique.Engine;

/// <summary>
/// Where work is written before it counts: every run of an item (and every restore) gets its own staging folder,
/// and its outputs reach the workspace only once all of them were written and stored.
/// </summary>
internal sealed class OutputStaging(Workspace workspace, ContentStore store, FileHashCache hashes)
{
    public string NewFolder()
    {
        var path = Path.Combine(workspace.StagingDirectory, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A staging path per declared output (a created folder for a folder output).</summary>
    public List<string> PathsFor(string staging, IReadOnlyList<string> declared)
    {
        var paths = new List<string>(declared.Count);
        for (var i = 0; i < declared.Count; i++)
        {
            var final = workspace.Resolve(declared[i].TrimEnd('/'));
            var slot = Path.Combine(staging, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(slot);
            // The staged name keeps the final file name, so tools that infer a format from the extension still work.
            var path = Path.Combine(slot, Path.GetFileName(final));
            if (PathSpec.IsFolder(declared[i]))
            {
                Directory.CreateDirectory(path);
            }

            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Hashes and stores every staged output, then moves them all into the workspace. Nothing reaches
    /// the workspace unless every output was written, so a failed item never leaves a half-made result.</summary>
    public async Task<SortedDictionary<string, string>> PublishAsync(IReadOnlyList<string> declared, List<string> staged, string staging, CancellationToken cancellationToken)
    {
        var outputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < declared.Count; i++)
        {
            var files = PathSpec.IsFolder(declared[i])
                ? Directory.Exists(staged[i])
                    ? PathSpec.FilesUnder(staged[i]).Select(f => (Staged: f, Path: declared[i] + Path.GetRelativePath(staged[i], f).Replace(Path.DirectorySeparatorChar, '/'))).ToList()
                    : throw new ItemFailedException($"did not write its output folder '{declared[i]}'", permanent: false)
                : File.Exists(staged[i])
                    ? [(Staged: staged[i], Path: declared[i])]
                    : throw new ItemFailedException($"did not write its output '{declared[i]}'", permanent: false);
            foreach (var (file, path) in files)
            {
                outputs[path] = (await store.AddAsync(file, cancellationToken)).ToString();
            }
        }

        for (var i = 0; i < declared.Count; i++)
        {
            var final = workspace.Resolve(declared[i].TrimEnd('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (PathSpec.IsFolder(declared[i]))
            {
                if (Directory.Exists(final))
                {
                    Directory.Move(final, Path.Combine(staging, $"replaced-{i}"));
                }

                Directory.Move(staged[i], final);
            }
            else
            {
                File.Move(staged[i], final, overwrite: true);
            }
        }

        foreach (var (path, hash) in outputs)
        {
            hashes.Remember(workspace.Resolve(path), ContentHash.Parse(hash));
        }

        return outputs;
    }

    public static void Delete(string staging)
    {
        try
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
