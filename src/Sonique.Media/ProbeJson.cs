using System.Globalization;
using System.Text.Json;

namespace Sonique.Media;

/// <summary>
/// Reads what <c>ffprobe -print_format json -show_format -show_streams</c> prints into a <see cref="MediaInfo"/>,
/// with the rules FFMpegCore applied before: the video stream is the first that is not cover art, the audio
/// stream the first audio stream, and a duration is the longest of the container's and those two streams'.
/// </summary>
internal static class ProbeJson
{
    public static MediaInfo Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("ffprobe found no container format");
        }

        var streams = root.TryGetProperty("streams", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [];
        JsonElement? video = streams.FirstOrDefault(s => Text(s, "codec_type") == "video" && Text(s, "codec_name") is not "mjpeg" and not "png") is { ValueKind: JsonValueKind.Object } v ? v : null;
        JsonElement? audio = streams.FirstOrDefault(s => Text(s, "codec_type") == "audio") is { ValueKind: JsonValueKind.Object } a ? a : null;

        var videoDuration = video is { } vs ? Duration(vs) : TimeSpan.Zero;
        var audioDuration = audio is { } au ? Duration(au) : TimeSpan.Zero;
        var longestStream = videoDuration > audioDuration ? videoDuration : audioDuration;
        var container = new[] { Duration(format), longestStream }.Max();
        return new MediaInfo(
            container,
            longestStream > TimeSpan.Zero ? longestStream : container,
            video is { } vc ? Text(vc, "codec_name") : null,
            audio is { } ac ? Text(ac, "codec_name") : null,
            video is { } vw ? Integer(vw, "width") : 0,
            video is { } vh ? Integer(vh, "height") : 0);
    }

    /// <summary>A stream's or the format's "duration" in seconds; else a Matroska-style DURATION tag ("00:01:02.500000000").</summary>
    private static TimeSpan Duration(JsonElement element)
    {
        if (Text(element, "duration") is { } seconds
            && double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s) && s > 0)
        {
            return TimeSpan.FromSeconds(s);
        }

        if (element.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in tags.EnumerateObject())
            {
                if (tag.Name.Equals("duration", StringComparison.OrdinalIgnoreCase) && tag.Value.ValueKind == JsonValueKind.String
                    && TryParseClock(tag.Value.GetString()!, out var clock))
                {
                    return clock;
                }
            }
        }

        return TimeSpan.Zero;
    }

    private static bool TryParseClock(string text, out TimeSpan value)
    {
        // TimeSpan takes at most seven fractional digits; Matroska writes nine.
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var trimmed = dot >= 0 && text.Length - dot - 1 > 7 ? text[..(dot + 8)] : text;
        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Integer(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : 0;
}
