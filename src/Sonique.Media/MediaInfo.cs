namespace Sonique.Media;

/// <summary>What ffprobe says about a media file: enough to decide whether and how to trim it.</summary>
public sealed record MediaInfo(TimeSpan Duration, string? VideoCodec, string? AudioCodec, int Width, int Height)
{
    public bool HasVideo => VideoCodec is not null;

    public bool HasAudio => AudioCodec is not null;
}
