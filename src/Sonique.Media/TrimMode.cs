namespace Sonique.Media;

/// <summary>How the video stream of a trimmed clip is written.</summary>
public enum TrimMode
{
    /// <summary>Copy when the codecs fit an mp4 (h264, hevc, av1 with aac or mp3), re-encode otherwise.</summary>
    Auto,

    /// <summary>Copy the compressed streams: no quality loss and no decoding, but fails on codecs mp4 cannot hold.</summary>
    Copy,

    /// <summary>Re-encode to h264/aac, as the original did (libx264 through moviepy).</summary>
    Reencode,
}
