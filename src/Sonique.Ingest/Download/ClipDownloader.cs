using System.Globalization;
using Polly;
using Polly.Retry;
using Sonique.Files;
using Sonique.Ingest.Catalog;
using Sonique.Ingest.Sources;
using Sonique.Media;

namespace Sonique.Ingest.Download;

/// <summary>
/// Turns one catalog entry into its trimmed mp4 and wav. Every way a clip can be bad (refused URL,
/// removed video, no audio, corrupt file, too short) ends in a <see cref="ClipDownloadException"/> whose
/// reason says which, so one bad clip never stops the others.
/// </summary>
public sealed class ClipDownloader
{
    private const int WavBytesPerSecond = 44100 * 2 * 2;
    private const int WavHeaderBytes = 44;

    private readonly WorkspaceFolder _workspace;
    private readonly Ffmpeg _ffmpeg;
    private readonly YtDlp _ytDlp;
    private readonly DownloadOptions _options;
    private readonly ResiliencePipeline _retry;

    /// <param name="workspace">Where local clips must really lie: a local file that is, or lies under, a symbolic
    /// link leading out of it is refused, even when it was swapped in after Collect.</param>
    /// <param name="ffmpeg">Probes and trims.</param>
    /// <param name="ytDlp">Fetches URLs.</param>
    /// <param name="options">Length, mode, retries.</param>
    public ClipDownloader(WorkspaceFolder workspace, Ffmpeg ffmpeg, YtDlp ytDlp, DownloadOptions options)
    {
        _workspace = workspace;
        _ffmpeg = ffmpeg;
        _ytDlp = ytDlp;
        _options = options;
        _retry = options.Retries <= 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                // Only what a pause can heal: an unreachable host (offline, unknown name) would spend every retry's back-off for nothing.
                ShouldHandle = new PredicateBuilder().Handle<YtDlpException>(e => e.Failure == YtDlpFailure.Transient),
                MaxRetryAttempts = options.Retries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            }).Build();
    }

    /// <param name="entry">The clip.</param>
    /// <param name="localSource">The resolved path of a local entry's file; null for a URL.</param>
    /// <param name="mp4Path">Where the trimmed video goes.</param>
    /// <param name="wavPath">Where the trimmed audio goes.</param>
    /// <param name="cancellationToken">Stops the tools.</param>
    public async Task DownloadAsync(CatalogEntry entry, string? localSource, string mp4Path, string wavPath, CancellationToken cancellationToken)
    {
        if (localSource is not null)
        {
            RefuseLinkOutside(localSource);
            await TrimAsync(localSource, mp4Path, wavPath, cancellationToken);
            return;
        }

        if (!VideoUrl.TryNormalize(entry.Url, out var url, out var problem))
        {
            throw new ClipDownloadException($"refused: {problem}");
        }

        var folder = mp4Path + ".download";
        try
        {
            var source = await FetchAsync(url, folder, cancellationToken);
            await TrimAsync(source, mp4Path, wavPath, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private void RefuseLinkOutside(string localSource)
    {
        bool inside;
        try
        {
            inside = _workspace.ResolvesInside(localSource);
        }
        catch (IOException e)
        {
            throw new ClipDownloadException($"refused: '{Path.GetFileName(localSource)}' is a symbolic link that cannot be followed: {e.Message}", permanent: true, e);
        }

        if (!inside)
        {
            throw new ClipDownloadException($"refused: '{Path.GetFileName(localSource)}' is a symbolic link, or lies under one, leading outside the workspace (to '{WorkspaceFolder.RealPath(localSource)}')", permanent: true);
        }
    }

    private async Task<string> FetchAsync(string url, string folder, CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            return await _retry.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    if (Directory.Exists(folder))
                    {
                        Directory.Delete(folder, recursive: true);
                    }

                    return await _ytDlp.DownloadAsync(url, folder, _options.FormatSort, token);
                },
                cancellationToken);
        }
        catch (YtDlpException e) when (e.Failure == YtDlpFailure.Unavailable)
        {
            throw new ClipDownloadException($"unavailable (removed, private or not found): {e.Message}", permanent: true, e);
        }
        catch (YtDlpException e)
        {
            var tries = attempts == 1 ? "1 attempt" : $"{attempts} attempts";
            var why = e.Failure == YtDlpFailure.Unreachable ? "host unreachable (offline, unknown host or no route)" : "download failed";
            throw new ClipDownloadException($"{why} after {tries}, will be retried next run: {e.Message}", permanent: false, e);
        }
    }

    private async Task TrimAsync(string source, string mp4Path, string wavPath, CancellationToken cancellationToken)
    {
        MediaInfo info;
        try
        {
            info = await _ffmpeg.ProbeAsync(source, cancellationToken);
        }
        catch (MediaToolException e)
        {
            throw new ClipDownloadException($"corrupt or not media: {e.Message}", permanent: true, e);
        }

        if (!info.HasVideo)
        {
            throw new ClipDownloadException("no video stream");
        }

        if (!info.HasAudio)
        {
            throw new ClipDownloadException("no audio stream");
        }

        if (info.Duration > TimeSpan.Zero && info.Duration < _options.MinimumLength)
        {
            throw new ClipDownloadException($"too short: {Seconds(info.Duration)} s, the minimum is {Seconds(_options.MinimumLength)} s");
        }

        try
        {
            await _ffmpeg.TrimAsync(source, info, _options.Length, _options.Mode, mp4Path, wavPath, cancellationToken);
        }
        catch (MediaToolException e)
        {
            var hint = _options.Mode == TrimMode.Copy ? " (download.mode: copy cannot put every codec into mp4; try auto)" : string.Empty;
            throw new ClipDownloadException($"corrupt or undecodable: {e.Message}{hint}", permanent: true, e);
        }

        // A truncated file probes with its full duration and trims without an error, yet yields less audio.
        var decoded = TimeSpan.FromSeconds((double)Math.Max(0, new FileInfo(wavPath).Length - WavHeaderBytes) / WavBytesPerSecond);
        var expected = info.Duration > TimeSpan.Zero && info.Duration < _options.Length ? info.Duration : _options.Length;
        if (decoded < _options.MinimumLength || decoded < expected - TimeSpan.FromSeconds(1))
        {
            throw new ClipDownloadException($"corrupt: only {Seconds(decoded)} s of {Seconds(expected)} s could be decoded");
        }
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
}
