using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Sonique.Media.Clips;

/// <summary>
/// A clip's identity in every stage and file: YouTube's "dQw4w9WgXcQ", "sample-0001", a normalised URL or a
/// workspace-relative path. Compared ordinally. Any text without a NUL that is not blank is an id (a folder's file
/// names may hold quotes, tabs or line breaks), so every place that needs a name on disk uses <see cref="FileName"/>.
/// </summary>
[JsonConverter(typeof(ClipIdJsonConverter))]
public sealed partial class ClipId : IEquatable<ClipId>, IComparable<ClipId>
{
    private const int MaxRawLength = 64;
    private const int MaxSlugLength = 40;

    private static readonly HashSet<string> WindowsReserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    private ClipId(string value)
    {
        Value = value;
        FileName = FileNameOf(value);
    }

    public string Value { get; }

    /// <summary>
    /// The file name stem every stage uses for the clip. An id that is safe on every file system is used as it is
    /// ("dQw4w9WgXcQ", "sample-0001"); any other (a URL, a path, a YouTube id starting with '-', which a tool would read
    /// as an option) becomes a readable slug plus a hash of the whole id. The '.' in that form can never occur in a raw
    /// stem, so the two forms never collide.
    /// </summary>
    public string FileName { get; }

    public static ClipId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException($"'{value}' is not a clip id: an id is text that is not blank and holds no NUL character.");

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ClipId? id)
    {
        id = string.IsNullOrWhiteSpace(value) || value.Contains('\0', StringComparison.Ordinal) ? null : new ClipId(value);
        return id is not null;
    }

    /// <summary>Letters, digits, '_' and '-', starting with a letter or digit, not a reserved device name.</summary>
    public static bool IsSafeFileName(string stem) =>
        stem.Length <= MaxRawLength && SafeStem().IsMatch(stem) && !WindowsReserved.Contains(stem);

    public bool Equals(ClipId? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ClipId);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public int CompareTo(ClipId? other) => other is null ? 1 : string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value;

    public static bool operator ==(ClipId? left, ClipId? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(ClipId? left, ClipId? right) => !(left == right);

    public static bool operator <(ClipId left, ClipId right) => Compare(left, right) < 0;

    public static bool operator <=(ClipId left, ClipId right) => Compare(left, right) <= 0;

    public static bool operator >(ClipId left, ClipId right) => Compare(left, right) > 0;

    public static bool operator >=(ClipId left, ClipId right) => Compare(left, right) >= 0;

    private static int Compare(ClipId? left, ClipId? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    private static string FileNameOf(string id)
    {
        if (IsSafeFileName(id))
        {
            return id;
        }

        var slug = Slug(LastSegment(id));
        var hash = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(id)).ToString("x32", CultureInfo.InvariantCulture)[..16];
        return slug.Length == 0 ? $"clip.{hash}" : $"{slug}.{hash}";
    }

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

/// <summary>A clip id in JSON is its text; text that is no id is refused as the file's error.</summary>
public sealed class ClipIdJsonConverter : JsonConverter<ClipId>
{
    public override ClipId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ClipId.TryParse(reader.GetString(), out var id) ? id : throw new JsonException($"'{reader.GetString()}' is not a clip id.");

    public override void Write(Utf8JsonWriter writer, ClipId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
