using System.Globalization;
using Sonique.Media;

namespace Sonique.Analysis.Video.Features;

/// <summary>
/// A clip's picture as small RGB frames at a fixed rate, decoded by one ffmpeg call straight into memory.
/// Small frames are plenty for colour, brightness, motion and cuts, and keep the analysis faster than playback
/// by far more than 50 times.
/// </summary>
public sealed class SampledFrames
{
    private SampledFrames(byte[] pixels, int width, int height, double framesPerSecond)
    {
        Pixels = pixels;
        Width = width;
        Height = height;
        FramesPerSecond = framesPerSecond;
    }

    /// <summary>rgb24, frame after frame.</summary>
    public byte[] Pixels { get; }

    public int Width { get; }

    public int Height { get; }

    public double FramesPerSecond { get; }

    public int FrameBytes => Width * Height * 3;

    public int Count => Pixels.Length / FrameBytes;

    public double Seconds => Count / FramesPerSecond;

    public ReadOnlySpan<byte> Frame(int index) => Pixels.AsSpan(index * FrameBytes, FrameBytes);

    /// <summary>The frames, or <see cref="ClipAnalysisException"/> naming why the video cannot be decoded.</summary>
    public static async Task<SampledFrames> ReadAsync(Ffmpeg ffmpeg, string path, double framesPerSecond, int width, int height, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        var rate = framesPerSecond.ToString("0.###", CultureInfo.InvariantCulture);
        try
        {
            await ffmpeg.RunAsync(
                ["-i", Path.GetFullPath(path), "-an", "-sn", "-vf", $"fps={rate},scale={width}:{height}:flags=area", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
                output,
                cancellationToken);
        }
        catch (MediaToolException e)
        {
            throw new ClipAnalysisException($"video cannot be decoded: {e.Message}", e);
        }

        var frames = new SampledFrames(output.ToArray(), width, height, framesPerSecond);
        return frames.Count == 0 ? throw new ClipAnalysisException("no video: the file decodes to zero frames") : frames;
    }
}
