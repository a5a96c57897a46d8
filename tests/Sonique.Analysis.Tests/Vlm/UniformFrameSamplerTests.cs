using System.Globalization;
using Sonique.Analysis.Video.Vlm;
using Sonique.Media;
using Sonique.Tests.Shared;

namespace Sonique.Analysis.Tests.Vlm;

[Trait("Tier", "Tool")] // ffmpeg writes and decodes the clips
public sealed class UniformFrameSamplerTests : IDisposable
{
    private const double Seconds = 8;

    private readonly string _dir = TempFolder.Create("frames-");
    private readonly UniformFrameSampler _sampler = new(new Ffmpeg());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A grey clip whose brightness tells the time: luma 20 + 25 t, so a frame's grey level says when it was
    /// taken. 4 pictures a second, so a frame next to the right one is a quarter second off.</summary>
    private string Clock()
    {
        var path = Path.Combine(_dir, "clock.mp4");
        var d = Seconds.ToString(CultureInfo.InvariantCulture);
        TestMedia.Run("ffmpeg",
        [
            "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
            "-i", $"color=c=black:s=96x64:r=4:d={d},format=yuv420p,geq=lum='20+25*T':cb=128:cr=128",
            "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", path,
        ]);
        return path;
    }

    /// <summary>When a frame was taken, from its grey level (RGB back to limited-range luma, then the clock's ramp).</summary>
    private static double TimeOf(VideoFrame frame)
    {
        var rgb = frame.Rgb.Span;
        var sum = 0L;
        foreach (var b in rgb)
        {
            sum += b;
        }

        var grey = (double)sum / rgb.Length;
        var luma = 16 + (grey * 219 / 255);
        return (luma - 20) / 25;
    }

    [Fact]
    public async Task Eight_frames_come_from_the_middles_of_eight_equal_spans_at_224_square()
    {
        var frames = await _sampler.SampleAsync(Clock(), 8, 224, TestContext.Current.CancellationToken);

        Assert.Equal(8, frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            var middle = (i + 0.5) * Seconds / 8;
            Assert.Equal(224, frames[i].Width);
            Assert.Equal(224, frames[i].Height);
            Assert.Equal(224 * 224 * 3, frames[i].Rgb.Length);
            Assert.Equal(middle, frames[i].Time.TotalSeconds, 3);
            var seen = TimeOf(frames[i]);
            Assert.True(Math.Abs(seen - middle) < 0.125, $"frame {i} was taken at {seen:F2} s, not in the middle of its span ({middle:F2} s)");
        }
    }

    [Fact]
    public async Task A_file_that_is_not_video_fails_alone_with_its_reason()
    {
        var junk = Path.Combine(_dir, "junk.mp4");
        await File.WriteAllBytesAsync(junk, Enumerable.Range(0, 20_000).Select(i => (byte)(i * 13)).ToArray(), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<ClipAnalysisException>(() => _sampler.SampleAsync(junk, 8, 224, TestContext.Current.CancellationToken));

        Assert.StartsWith("corrupt or not media", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clip_without_pictures_fails_alone_with_its_reason()
    {
        var wav = Path.Combine(_dir, "sound.wav");
        TestMedia.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", wav]);

        var error = await Assert.ThrowsAsync<ClipAnalysisException>(() => _sampler.SampleAsync(wav, 8, 224, TestContext.Current.CancellationToken));

        Assert.Equal("no video stream", error.Message);
    }
}
