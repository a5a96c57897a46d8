using Sonique.Media;

namespace Sonique.Ingest.Download;

/// <summary>How each clip is fetched and cut. The defaults are the original's: the first 60 s, 3 retries
/// 5 s apart (here with exponential backoff).</summary>
public sealed record DownloadOptions
{
    public TimeSpan Length { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Clips shorter than this fail with a reason rather than yield too little to analyse.</summary>
    public TimeSpan MinimumLength { get; init; } = TimeSpan.FromSeconds(5);

    public TrimMode Mode { get; init; } = TrimMode.Auto;

    /// <summary>yt-dlp's format sort (-S): prefer at most 720p and mp4/m4a, which trim by stream copy.</summary>
    public string FormatSort { get; init; } = "res:720,ext:mp4:m4a";

    /// <summary>Retries after a transient network failure (a server error, a timeout).</summary>
    public int Retries { get; init; } = 3;

    /// <summary>The first retry's delay; each later one doubles it.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);
}
