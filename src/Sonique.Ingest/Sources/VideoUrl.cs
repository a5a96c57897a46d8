using System.Text.RegularExpressions;

namespace Sonique.Ingest.Sources;

/// <summary>
/// A URL from outside (a CSV, a listing), checked before any tool sees it: http(s) only, no whitespace or
/// control characters, no leading '-'. A YouTube URL in any of its forms is reduced to its video id,
/// so the same video found by a search and in a CSV is one clip.
/// </summary>
public static partial class VideoUrl
{
    /// <summary>The URL in canonical form, or the reason it is refused.</summary>
    public static bool TryNormalize(string raw, out string url, out string problem)
    {
        url = string.Empty;
        var text = raw.Trim();
        if (text.Length == 0)
        {
            problem = "the URL is empty";
            return false;
        }

        if (text.StartsWith('-'))
        {
            problem = $"'{Shorten(text)}' starts with '-' and would be read as a command-line option";
            return false;
        }

        if (text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            problem = $"'{Shorten(text)}' contains whitespace or control characters";
            return false;
        }

        // The original's CSV sometimes holds "www.youtube.com/watch?v=..." without a scheme.
        if (!text.Contains("://", StringComparison.Ordinal) && (text.StartsWith("www.", StringComparison.OrdinalIgnoreCase) || text.StartsWith("youtu", StringComparison.OrdinalIgnoreCase)))
        {
            text = "https://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            problem = $"'{Shorten(text)}' is not an http or https URL";
            return false;
        }

        url = YouTubeId(uri) is { } id ? $"https://www.youtube.com/watch?v={id}" : uri.AbsoluteUri;
        problem = string.Empty;
        return true;
    }

    /// <summary>The clip id for a URL: the video id for YouTube, the URL itself otherwise.</summary>
    public static string IdOf(string normalizedUrl) =>
        Uri.TryCreate(normalizedUrl, UriKind.Absolute, out var uri) && YouTubeId(uri) is { } id ? id : normalizedUrl;

    private static string? YouTubeId(Uri uri)
    {
        var host = uri.Host.ToLowerInvariant();
        string? candidate = null;
        if (host == "youtu.be")
        {
            candidate = uri.AbsolutePath.Trim('/');
        }
        else if (host is "youtube.com" or "www.youtube.com" or "m.youtube.com" or "music.youtube.com")
        {
            var path = uri.AbsolutePath;
            if (path == "/watch")
            {
                candidate = QueryValue(uri.Query, "v");
            }
            else if (path.StartsWith("/shorts/", StringComparison.Ordinal) || path.StartsWith("/embed/", StringComparison.Ordinal) || path.StartsWith("/live/", StringComparison.Ordinal))
            {
                candidate = path.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
            }
        }

        return candidate is not null && YouTubeIdPattern().IsMatch(candidate) ? candidate : null;
    }

    private static string? QueryValue(string query, string name)
    {
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair[..eq] == name)
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    [GeneratedRegex("^[A-Za-z0-9_-]{11}$")]
    private static partial Regex YouTubeIdPattern();
}
