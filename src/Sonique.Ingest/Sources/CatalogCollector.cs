using System.Globalization;
using Sonique.Files;
using Sonique.Ingest.Catalog;
using Sonique.Ingest.Samples;
using Sonique.Media;
using Sonique.Media.Clips;

namespace Sonique.Ingest.Sources;

/// <summary>What collecting found: the clips (deduplicated by id, in source order), what was refused and why.</summary>
public sealed record CollectResult(IReadOnlyList<CatalogEntry> Entries, IReadOnlyList<RejectedRow> Rejected, int Duplicates, YtDlpVersion? YtDlp);

/// <summary>
/// Builds the catalog from any mix of sources. Paths from the config must stay inside the workspace;
/// URLs are checked before yt-dlp sees them; the first occurrence of an id wins (the original's CSV
/// repeated rows).
/// </summary>
public sealed class CatalogCollector(WorkspaceFolder workspace, YtDlp ytDlp)
{
    /// <summary>Extensions read from a media folder; anything else there is rejected with its reason.</summary>
    public static readonly IReadOnlySet<string> MediaExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".mpg", ".mpeg", ".ts", ".flv", ".wmv", ".3gp",
    };

    private static readonly HashSet<string> AudioExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".m4a", ".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus", ".aac", ".wma", ".aiff", ".aif",
    };

    public async Task<CollectResult> CollectAsync(IReadOnlyList<CatalogSource> sources, CancellationToken cancellationToken)
    {
        var entries = new List<CatalogEntry>();
        var rejected = new List<RejectedRow>();
        YtDlpVersion? version = null;
        foreach (var source in sources)
        {
            switch (source)
            {
                case SampleLibrarySource samples:
                    entries.AddRange(FromSamples(samples));
                    break;
                case CsvSource csv:
                    await FromCsvAsync(csv, entries, rejected, cancellationToken);
                    break;
                case FolderSource folder:
                    FromFolder(folder, entries, rejected);
                    break;
                case SearchSource search:
                    version ??= await ytDlp.VersionAsync(cancellationToken);
                    await FromListingAsync(search, $"{search.Prefix}{search.Limit.ToString(CultureInfo.InvariantCulture)}:{search.Query}", null, entries, rejected, cancellationToken);
                    break;
                case PlaylistSource playlist:
                    version ??= await ytDlp.VersionAsync(cancellationToken);
                    if (!VideoUrl.TryNormalize(playlist.Url, out var url, out var problem))
                    {
                        throw new InvalidDataException($"The {playlist.Kind} source is refused: {problem}.");
                    }

                    await FromListingAsync(playlist, url, playlist.Limit, entries, rejected, cancellationToken);
                    break;
                default:
                    throw new ArgumentException($"Unknown source type {source.GetType().Name}.", nameof(sources));
            }
        }

        var seen = new HashSet<ClipId>();
        var unique = entries.Where(e => seen.Add(e.Id)).ToList();
        return new CollectResult(unique, rejected, entries.Count - unique.Count, version);
    }

    private static IEnumerable<CatalogEntry> FromSamples(SampleLibrarySource source) =>
        SampleLibrary.Plan(source.Seed, source.Count, source.Seconds).Select(clip => new CatalogEntry
        {
            Id = ClipId.Parse(clip.Id),
            Title = clip.Title,
            Url = $"{source.Folder.TrimEnd('/')}/{clip.Id}.mp4",
            Source = source.Kind,
            DurationSeconds = source.Seconds,
            Channel = "Sonique sample library",
            Truth = $"{source.Folder.TrimEnd('/')}/{clip.Id}.json",
        });

    private async Task FromCsvAsync(CsvSource source, List<CatalogEntry> entries, List<RejectedRow> rejected, CancellationToken cancellationToken)
    {
        var path = workspace.Resolve(source.Path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The CSV source '{source.Path}' does not exist.", path);
        }

        var (rows, bad) = await TitleUrlCsv.ReadAsync(path, source.Path, cancellationToken);
        rejected.AddRange(bad);
        foreach (var row in rows)
        {
            if (!VideoUrl.TryNormalize(row.Url, out var url, out var problem))
            {
                rejected.Add(new RejectedRow(source.Kind, $"{source.Path}:{row.Line}", row.Url, problem));
                continue;
            }

            entries.Add(Remote(source, VideoUrl.IdOf(url), row.Title, url, null, null));
        }
    }

    /// <summary>
    /// Every file under the folder becomes a clip or a rejected row with its reason. Symbolic links are followed
    /// only while their real target stays inside the workspace (the folder itself and its parents included),
    /// and each real folder and file is read once, so a link loop or a second name for a file adds nothing.
    /// </summary>
    private void FromFolder(FolderSource source, List<CatalogEntry> entries, List<RejectedRow> rejected)
    {
        var root = workspace.Resolve(source.Path);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder source '{source.Path}' does not exist.");
        }

        void Reject(string path, string reason) => rejected.Add(new RejectedRow(source.Kind, workspace.Relative(path), Path.GetFileName(path), reason));

        if (LinkProblem(root) is { } rootProblem)
        {
            Reject(root, $"the folder source is {rootProblem}");
            return;
        }

        // Links come after real entries, so a file or folder is read under its own name and its links are the repeats.
        var foldersRead = new HashSet<string>(StringComparer.Ordinal) { WorkspaceFolder.RealPath(root) };
        var pending = new Stack<string>([root]);
        var linkedFolders = new Queue<string>();
        var files = new List<(string Path, string Real, bool IsLink)>();
        while (pending.TryPop(out var folder) || TryFollow(linkedFolders, foldersRead, out folder, Reject))
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal))
            {
                var isLink = new FileInfo(path).LinkTarget is not null;
                if (FolderEntryProblem(path) is { } problem)
                {
                    Reject(path, problem);
                }
                else if (Directory.Exists(path) && isLink)
                {
                    linkedFolders.Enqueue(path);
                }
                else if (Directory.Exists(path))
                {
                    if (foldersRead.Add(WorkspaceFolder.RealPath(path)))
                    {
                        pending.Push(path);
                    }
                    else
                    {
                        Reject(path, "a folder that is already read through a symbolic link (not read twice)");
                    }
                }
                else
                {
                    files.Add((path, WorkspaceFolder.RealPath(path), isLink));
                }
            }
        }

        var found = new List<string>();
        foreach (var sameFile in files.GroupBy(f => f.Real, StringComparer.Ordinal))
        {
            var names = sameFile.OrderBy(f => f.IsLink).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
            found.Add(names[0].Path);
            foreach (var other in names.Skip(1))
            {
                Reject(other.Path, $"another name (a symbolic link) for '{workspace.Relative(names[0].Path)}', which is already a clip");
            }
        }

        foreach (var relative in found.Select(workspace.Relative).Order(StringComparer.Ordinal))
        {
            entries.Add(new CatalogEntry
            {
                Id = ClipId.Parse(relative),
                Title = Path.GetFileNameWithoutExtension(relative),
                Url = relative,
                Source = source.Kind,
            });
        }
    }

    /// <summary>The next linked folder to read; one whose real folder is already read is rejected, which also ends link loops.</summary>
    private static bool TryFollow(Queue<string> linkedFolders, HashSet<string> foldersRead, out string folder, Action<string, string> reject)
    {
        while (linkedFolders.TryDequeue(out var link))
        {
            if (foldersRead.Add(WorkspaceFolder.RealPath(link)))
            {
                folder = link;
                return true;
            }

            reject(link, "a symbolic link to a folder that is already read (not read twice)");
        }

        folder = string.Empty;
        return false;
    }

    /// <summary>Why an entry of a media folder cannot be a clip or a folder to read; null when it can.</summary>
    private string? FolderEntryProblem(string path)
    {
        var name = Path.GetFileName(path);
        var link = new FileInfo(path).LinkTarget;
        var isFolder = Directory.Exists(path);
        if (!isFolder && !File.Exists(path) && link is null)
        {
            // .NET decodes a name that is not UTF-8 with U+FFFD, and the decoded name opens nothing.
            return name.Contains('\uFFFD', StringComparison.Ordinal)
                ? "its name is not valid UTF-8 (the bad bytes show as U+FFFD), so it cannot be opened by name: rename it"
                : "it disappeared while the folder was read";
        }

        if (LinkProblem(path) is { } linkProblem)
        {
            return linkProblem;
        }

        if (!isFolder && !File.Exists(path))
        {
            return $"a broken symbolic link (to '{link}')";
        }

        if (name.StartsWith('.'))
        {
            return isFolder ? "a hidden folder, not read" : "a hidden file";
        }

        if (isFolder)
        {
            return null;
        }

        // The engine reads '*' and '?' in an input path as a wildcard, which would hash and trim other files.
        if (name.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            return "its name contains '*' or '?', which the pipeline reads as a wildcard: rename it";
        }

        var extension = Path.GetExtension(name);
        if (AudioExtensions.Contains(extension))
        {
            return $"an audio file ('{extension}'): a clip needs a video";
        }

        if (!MediaExtensions.Contains(extension))
        {
            var has = extension.Length == 0 ? "no extension" : $"'{extension}'";
            return $"not a video file ({has}; a folder source reads {string.Join(", ", MediaExtensions)})";
        }

        // A FIFO or a device reports no length, and would block or stream forever when read.
        return new FileInfo(path).Length == 0 ? "an empty file, or not a regular file" : null;
    }

    /// <summary>Why a path leads outside the workspace through a symbolic link (its own or a parent's); null when it does not.</summary>
    private string? LinkProblem(string path)
    {
        try
        {
            return workspace.ResolvesInside(path)
                ? null
                : $"a symbolic link, or under one, leading outside the workspace (to '{WorkspaceFolder.RealPath(path)}'): not followed";
        }
        catch (IOException e)
        {
            return $"a symbolic link that cannot be followed: {e.Message}";
        }
    }

    private async Task FromListingAsync(CatalogSource source, string target, int? limit, List<CatalogEntry> entries, List<RejectedRow> rejected, CancellationToken cancellationToken)
    {
        IReadOnlyList<RemoteVideo> videos;
        try
        {
            videos = await ytDlp.ListAsync(target, limit, cancellationToken);
        }
        catch (YtDlpException e)
        {
            throw new InvalidDataException($"The {source.Kind} source '{target}' could not be listed: {e.Message}", e);
        }

        foreach (var video in videos)
        {
            if (!VideoUrl.TryNormalize(video.Url, out var url, out var problem))
            {
                rejected.Add(new RejectedRow(source.Kind, target, video.Url, problem));
                continue;
            }

            entries.Add(Remote(source, VideoUrl.IdOf(url), video.Title, url, video.DurationSeconds, video.Channel));
        }
    }

    private static CatalogEntry Remote(CatalogSource source, string id, string title, string url, double? duration, string? channel) => new()
    {
        Id = ClipId.Parse(id),
        Title = title,
        Url = url,
        Source = source.Kind,
        DurationSeconds = duration,
        Channel = channel,
    };
}
