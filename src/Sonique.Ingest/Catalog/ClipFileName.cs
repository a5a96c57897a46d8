using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;

namespace Sonique.Ingest.Catalog;

/// <summary>
/// The file name stem every later stage uses for a clip. An id that is safe on every file system is used
/// as it is (YouTube's "dQw4w9WgXcQ", "sample-0001"); any other id (a URL, a path, a YouTube id starting
/// with '-', which a tool would read as an option) becomes a readable slug plus a hash of the whole id.
/// The '.' in that form can never occur in a raw stem, so the two forms never collide.
/// </summary>
public static partial class ClipFileName
{
    private const int MaxRawLength = 64;
    private const int MaxSlugLength = 40;

    private static readonly HashSet<string> WindowsReserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    public static string For(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (IsSafe(id))
        {
            return id;
        }

        var slug = Slug(LastSegment(id));
        var hash = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(id)).ToString("x32", CultureInfo.InvariantCulture)[..16];
        return slug.Length == 0 ? $"clip.{hash}" : $"{slug}.{hash}";
    }

    /// <summary>Letters, digits, '_' and '-', starting with a letter or digit, not a reserved device name.</summary>
    public static bool IsSafe(string stem) =>
        stem.Length <= MaxRawLength && SafeStem().IsMatch(stem) && !WindowsReserved.Contains(stem);

    private static string LastSegment(string id)
    {
        var trimmed = id.TrimEnd('/', '\\');
        var cut = trimmed.LastIndexOfAny(['/', '\\', ':', '=', '?']);
        var segment = cut >= 0 ? trimmed[(cut + 1)..] : trimmed;
        var dot = segment.LastIndexOf('.');
        return dot > 0 ? segment[..dot] : segment;
    }

    private static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormKD))
        {
            if (slug.Length == MaxSlugLength)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if ((c is '_' or '-' or ' ') && slug.Length > 0 && slug[^1] != '_')
            {
                slug.Append('_');
            }
        }

        return slug.ToString().TrimEnd('_');
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex SafeStem();
}
