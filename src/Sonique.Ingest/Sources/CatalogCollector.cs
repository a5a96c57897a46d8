using System.Globalization;
using Sonique.Engine;
using Sonique.Ingest.Catalog;
using Sonique.Ingest.Samples;
using Sonique.Media;

namespace Sonique.Ingest.Sources;

/// <summary>What collecting found: the clips (deduplicated by id, in source order), what was refused and why.</summary>
public sealed record CollectResult(IReadOnlyList<CatalogEntry> Entries, IReadOnlyList<RejectedRow> Rejected, int Duplicates, YtDlpVersion? YtDlp);

/// <summary>
/// Builds the catalog from any mix of sources. Paths from the config must stay inside the workspace;
/// URLs are checked before yt-dlp sees them; the first occurrence of an id wins (the original's CSV
/// repeated rows).
/// </summary>
public sealed class CatalogCollector(Workspace workspace, YtDlp ytDlp)
{
    /// <summary>Extensions read from a media folder; anything else there is ignored.</summary>
    public static readonly IReadOnlySet<string> MediaExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".mpg", ".mpeg", ".ts", ".flv", ".wmv", ".3gp",
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
                    entries.AddRange(FromFolder(folder));
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

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = entries.Where(e => seen.Add(e.Id)).ToList();
        return new CollectResult(unique, rejected, entries.Count - unique.Count, version);
    }

    private static IEnumerable<CatalogEntry> FromSamples(SampleLibrarySource source) =>
        SampleLibrary.Plan(source.Seed, source.Count, source.Seconds).Select(clip => new CatalogEntry
        {
            Id = clip.Id,
            File = ClipFileName.For(clip.Id),
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

    private IEnumerable<CatalogEntry> FromFolder(FolderSource source)
    {
        var root = workspace.Resolve(source.Path);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder source '{source.Path}' does not exist.");
        }

        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint })
            .Where(f => MediaExtensions.Contains(Path.GetExtension(f)))
            .Select(workspace.Relative)
            .Order(StringComparer.Ordinal);
        foreach (var relative in files)
        {
            yield return new CatalogEntry
            {
                Id = relative,
                File = ClipFileName.For(relative),
                Title = Path.GetFileNameWithoutExtension(relative),
                Url = relative,
                Source = source.Kind,
            };
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
        Id = id,
        File = ClipFileName.For(id),
        Title = title,
        Url = url,
        Source = source.Kind,
        DurationSeconds = duration,
        Channel = channel,
    };
}
