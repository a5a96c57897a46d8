namespace Sonique.Media;

/// <summary>What ffprobe says about a media file: enough to decide whether and how to trim it.</summary>
/// <param name="Duration">The container's duration.</param>
/// <param name="StreamDuration">The longest of the video and audio streams. After a copied cut with B-frames the
/// container also counts the edit list's initial offset (two frames), so this is what a clip really plays for.</param>
public sealed record MediaInfo(TimeSpan Duration, TimeSpan StreamDuration, string? VideoCodec, string? AudioCodec, int Width, int Height)
{
    public bool HasVideo => VideoCodec is not null;

    public bool HasAudio => AudioCodec is not null;
}
