using System.Globalization;
using System.Text;
using System.Text.Json;
using CliWrap;

namespace Sonique.Media;

/// <summary>
/// yt-dlp, by path. Every call ends yt-dlp's options with "--" before the target, ignores the user's
/// yt-dlp config files (a run must not depend on them), and passes arguments as a list, never a shell line.
/// </summary>
public sealed class YtDlp(string path = "yt-dlp")
{
    public string Path { get; } = path;

    /// <summary>The version yt-dlp reports (a date such as 2023.03.04), or an error naming the path and the fix.</summary>
    public async Task<YtDlpVersion> VersionAsync(CancellationToken cancellationToken)
    {
        var (exit, stdout, stderr) = await RunAsync(["--version"], cancellationToken);
        var text = stdout.Trim();
        if (exit != 0 || !YtDlpVersion.TryParse(text, out var version))
        {
            throw new MediaToolException("yt-dlp", $"'{Path} --version' did not report a version (exit {exit}): {ToolOutput.Tail(stdout + stderr, 2)}");
        }

        return version;
    }

    /// <summary>
    /// Lists what a target holds without downloading: a search ("ytsearch30:music video"), a playlist, a
    /// channel, or a single video. Entries come back flat, as yt-dlp's JSON lines.
    /// </summary>
    public async Task<IReadOnlyList<RemoteVideo>> ListAsync(string target, int? limit, CancellationToken cancellationToken)
    {
        List<string> arguments = ["--ignore-config", "--flat-playlist", "--dump-json", "--no-warnings"];
        if (limit is { } n)
        {
            arguments.AddRange(["--playlist-end", n.ToString(CultureInfo.InvariantCulture)]);
        }

        arguments.AddRange(["--", target]);
        var (exit, stdout, stderr) = await RunAsync(arguments, cancellationToken);
        if (exit != 0)
        {
            throw new YtDlpException(YtDlpErrors.Classify(stderr), $"listing '{target}' failed: {ToolOutput.Tail(stderr, 3)}");
        }

        var videos = new List<RemoteVideo>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (RemoteVideo.FromJson(line) is { } video)
            {
                videos.Add(video);
            }
        }

        return videos;
    }

    /// <summary>Downloads one video into <paramref name="folder"/> and returns the file it wrote.</summary>
    public async Task<string> DownloadAsync(string url, string folder, string formatSort, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        List<string> arguments =
        [
            "--ignore-config", "--no-playlist", "--no-progress", "--no-warnings", "--no-mtime", "--no-part",
            "--socket-timeout", "30",
            "-S", formatSort,
            "-o", System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), "source.%(ext)s"),
            "--", url,
        ];
        var (exit, _, stderr) = await RunAsync(arguments, cancellationToken);
        if (exit != 0)
        {
            throw new YtDlpException(YtDlpErrors.Classify(stderr), ToolOutput.Tail(stderr, 3));
        }

        var written = Directory.GetFiles(folder, "source.*");
        return written.Length == 1
            ? written[0]
            : throw new YtDlpException(YtDlpFailure.Other, $"yt-dlp reported success but wrote {written.Length} files");
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        try
        {
            var result = await Cli.Wrap(Path)
                .WithArguments(arguments)
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .ExecuteAsync(cancellationToken);
            return (result.ExitCode, stdout.ToString(), stderr.ToString());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MediaToolException("yt-dlp", $"cannot start '{Path}': {e.Message}. Install yt-dlp (apt-get install yt-dlp, or a current release) or set tools.yt_dlp in the config.", e);
        }
    }
}

/// <summary>A video as a listing reports it: what the source knows before anything is downloaded.</summary>
public sealed record RemoteVideo(string? Id, string Title, string Url, double? DurationSeconds, string? Channel, string? Extractor)
{
    internal static RemoteVideo? FromJson(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var url = Text(root, "webpage_url") ?? Text(root, "url");
        if (url is null)
        {
            return null;
        }

        var duration = root.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : (double?)null;
        return new RemoteVideo(
            Text(root, "id"),
            Text(root, "title") ?? string.Empty,
            url,
            duration,
            Text(root, "channel") ?? Text(root, "uploader"),
            Text(root, "ie_key") ?? Text(root, "extractor_key"));
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>yt-dlp's version, which is a release date; YouTube changes often enough that age matters.</summary>
public readonly record struct YtDlpVersion(DateOnly Released, string Text)
{
    public static bool TryParse(string text, out YtDlpVersion version)
    {
        // "2023.03.04" or "2023.03.04.1"; a nightly may add a suffix after the date.
        var parts = text.Split('.');
        if (parts.Length >= 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            && y > 2000 && m is >= 1 and <= 12 && d is >= 1 and <= 31)
        {
            version = new YtDlpVersion(new DateOnly(y, m, d), text);
            return true;
        }

        version = default;
        return false;
    }

    public override string ToString() => Text;
}

/// <summary>Why a yt-dlp call failed, as far as its message tells.</summary>
public enum YtDlpFailure
{
    /// <summary>Removed, private, blocked, not found: the same request will fail again.</summary>
    Unavailable,

    /// <summary>Server errors, timeouts, dropped connections: worth retrying after a pause.</summary>
    Transient,

    /// <summary>The host cannot be resolved or reached (offline, unknown host, no route): a pause within the run
    /// will not heal that, so it is not retried in this run, only in the next.</summary>
    Unreachable,

    /// <summary>Anything else; not retried in this run, tried again in the next.</summary>
    Other,
}

public sealed class YtDlpException(YtDlpFailure failure, string message) : MediaToolException("yt-dlp", message)
{
    public YtDlpFailure Failure { get; } = failure;
}

/// <summary>Reads yt-dlp's error text; its wording is the only signal it gives.</summary>
internal static class YtDlpErrors
{
    private static readonly string[] Unavailable =
    [
        "Video unavailable", "Private video", "This video is private", "has been removed", "This video is not available",
        "HTTP Error 404", "HTTP Error 403", "HTTP Error 410", "HTTP Error 401", "Unsupported URL", "account associated with this video has been terminated",
        "Sign in to confirm your age", "members-only", "is not a valid URL",
    ];

    // getaddrinfo's and connect's wordings (glibc, macOS, Windows); checked before Transient, whose "urlopen error" they share.
    private static readonly string[] Unreachable =
    [
        "Temporary failure in name resolution", "Name or service not known", "No address associated with hostname",
        "nodename nor servname provided", "getaddrinfo failed", "Network is unreachable", "No route to host",
    ];

    private static readonly string[] Transient =
    [
        "HTTP Error 5", "HTTP Error 429", "timed out", "Connection refused", "Connection reset",
        "Remote end closed connection", "IncompleteRead", "Read timed out", "urlopen error",
    ];

    public static YtDlpFailure Classify(string stderr)
    {
        if (Unavailable.Any(s => stderr.Contains(s, StringComparison.OrdinalIgnoreCase)))
        {
            return YtDlpFailure.Unavailable;
        }

        if (Unreachable.Any(s => stderr.Contains(s, StringComparison.OrdinalIgnoreCase)))
        {
            return YtDlpFailure.Unreachable;
        }

        return Transient.Any(s => stderr.Contains(s, StringComparison.OrdinalIgnoreCase)) ? YtDlpFailure.Transient : YtDlpFailure.Other;
    }
}
