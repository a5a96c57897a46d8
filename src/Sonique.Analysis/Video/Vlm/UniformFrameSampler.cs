using System.Globalization;
using Sonique.Media;

namespace Sonique.Analysis.Video.Vlm;

/// <summary>One decoded frame: packed RGB, 3 bytes a pixel, row by row.</summary>
public sealed record VideoFrame(TimeSpan Time, int Width, int Height, ReadOnlyMemory<byte> Rgb);

/// <summary>
/// Takes N frames spread evenly over a clip, as the original sampled its 8: the clip is cut into N equal spans and
/// the frame in the middle of each is kept (the very first and last frames are often black or mid-fade). One ffmpeg
/// call decodes them, scaled to a square (squashed, as the original resized), as raw RGB on its standard output.
/// </summary>
public sealed class UniformFrameSampler(Ffmpeg ffmpeg)
{
    /// <summary>The frames in time order; a clip that cannot give any raises <see cref="ClipAnalysisException"/>.</summary>
    public async Task<IReadOnlyList<VideoFrame>> SampleAsync(string videoPath, int count, int size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var path = Path.GetFullPath(videoPath);
        MediaInfo info;
        try
        {
            info = await ffmpeg.ProbeAsync(path, cancellationToken);
        }
        catch (MediaToolException e)
        {
            throw new ClipAnalysisException($"corrupt or not media: {e.Message}", e);
        }

        if (!info.HasVideo)
        {
            throw new ClipAnalysisException("no video stream");
        }

        var duration = info.Duration > TimeSpan.Zero ? info.Duration : info.StreamDuration;
        if (duration <= TimeSpan.Zero)
        {
            throw new ClipAnalysisException("the video has no duration");
        }

        var span = duration / count;
        var frameBytes = size * size * 3;
        using var output = new MemoryStream(count * frameBytes);
        try
        {
            // Seeking half a span in, then keeping one frame per span, lands on the middle of every span. fps
            // rounds up so that output frame k is the picture showing at k spans in; by default it rounds to
            // nearest and keeps the last picture of the half span after.
            await ffmpeg.RunAsync(
                [
                    "-ss", Seconds(span / 2), "-i", path, "-an", "-sn", "-dn",
                    "-vf", $"fps={count}/{Seconds(duration)}:round=up,scale={size}:{size}:flags=bicubic",
                    "-frames:v", count.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "rgb24", "-f", "rawvideo", "-",
                ],
                output,
                cancellationToken);
        }
        catch (MediaToolException e)
        {
            throw new ClipAnalysisException($"the video cannot be decoded: {e.Message}", e);
        }

        var decoded = (int)(output.Length / frameBytes);
        if (decoded == 0)
        {
            throw new ClipAnalysisException("the video decodes to no frames");
        }

        var bytes = output.GetBuffer();
        return Enumerable.Range(0, decoded)
            .Select(i => new VideoFrame((span / 2) + (span * i), size, size, bytes.AsMemory(i * frameBytes, frameBytes)))
            .ToList();
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture);
}
