using System.Globalization;
using System.Text.Json;
using Sonique.Ingest.Samples;
using Sonique.Media;
using Sonique.Tests.Shared;

namespace Sonique.Ingest.Tests.Samples;

[Trait("Tier", "Tool")] // ffmpeg writes the clips, ffprobe reads them
public sealed class SampleClipWriterTests
{
    private const double Seconds = 4;
    private const int FrameRate = 12;
    private const int FrameBytes = 320 * 180;

    private readonly SampleClipWriter _writer = new(new Ffmpeg());

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_clip_written_twice_gives_the_same_bytes_and_leaves_no_temporary_file()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();

        foreach (var clip in SampleLibrary.Plan(11, 3, Seconds))
        {
            await WriteAsync(clip, first);
            await WriteAsync(clip, second);

            Assert.Equal(await File.ReadAllBytesAsync(first.PathOf(clip.Id + ".mp4"), Cancellation), await File.ReadAllBytesAsync(second.PathOf(clip.Id + ".mp4"), Cancellation));
            Assert.Equal(await File.ReadAllBytesAsync(first.PathOf(clip.Id + ".json"), Cancellation), await File.ReadAllBytesAsync(second.PathOf(clip.Id + ".json"), Cancellation));
        }

        Assert.Equal(6, Directory.GetFiles(first.Root).Length);
    }

    [Fact]
    public async Task The_mp4_holds_one_h264_and_one_aac_stream_lasting_the_clip()
    {
        using var folder = new TempFolder();
        var clip = SampleLibrary.Clip(11, 1, Seconds);
        await WriteAsync(clip, folder);

        var probe = await ExternalTool.RunAsync("ffprobe",
            ["-v", "error", "-show_entries", "stream=codec_type,codec_name:format=duration", "-of", "json", folder.PathOf(clip.Id + ".mp4")],
            Cancellation);

        using var json = JsonDocument.Parse(probe);
        var streams = json.RootElement.GetProperty("streams").EnumerateArray()
            .Select(s => $"{s.GetProperty("codec_type").GetString()}:{s.GetProperty("codec_name").GetString()}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(["audio:aac", "video:h264"], streams);
        var duration = double.Parse(json.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(duration, Seconds - 0.1, Seconds + 0.1);
    }

    [Fact]
    public async Task The_truth_file_is_snake_case_and_says_what_the_plan_says()
    {
        using var folder = new TempFolder();
        var clip = SampleLibrary.Clip(11, 2, Seconds);
        await WriteAsync(clip, folder);
        var path = folder.PathOf(clip.Id + ".json");

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path, Cancellation));
        Assert.Equal(
            ["id", "title", "mood", "genre", "tempo_bpm", "key", "mode", "instruments", "colours", "brightness", "motion", "shot_seconds", "cut_times", "duration_seconds", "tags"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(clip.TempoBpm, json.RootElement.GetProperty("tempo_bpm").GetInt32());
        var truth = await SampleTruth.ReadAsync(path, Cancellation);
        Assert.Equal(SampleTruth.Of(clip).ToJson(), truth.ToJson());
    }

    [Fact]
    public async Task A_night_clip_is_darker_than_a_dawn_clip()
    {
        using var folder = new TempFolder();
        var plan = SampleLibrary.Plan(5, 40, Seconds);

        var night = await MeanBrightnessAsync(plan.First(c => c.Mood == Mood.Night), folder);
        var dawn = await MeanBrightnessAsync(plan.First(c => c.Mood == Mood.Dawn), folder);

        Assert.InRange(night, 0, 70);
        Assert.InRange(dawn, 150, 255);
    }

    [Theory]
    [InlineData(Mood.Party)]
    [InlineData(Mood.City)]
    [InlineData(Mood.Storm)]
    public async Task The_picture_changes_most_exactly_at_the_planned_cuts(Mood mood)
    {
        using var folder = new TempFolder();
        var clip = SampleLibrary.Plan(5, 40, Seconds).First(c => c.Mood == mood && c.CutTimes.Count > 0);
        await WriteAsync(clip, folder);

        var frames = await ExternalTool.RunAsync("ffmpeg",
            ["-v", "error", "-i", folder.PathOf(clip.Id + ".mp4"), "-f", "rawvideo", "-pix_fmt", "gray", "-"], Cancellation);
        var changes = Enumerable.Range(1, (frames.Length / FrameBytes) - 1)
            .ToDictionary(f => f, f => MeanAbsoluteDifference(frames.AsSpan((f - 1) * FrameBytes, FrameBytes), frames.AsSpan(f * FrameBytes, FrameBytes)));
        var cutFrames = clip.CutTimes.Select(t => (int)Math.Round(t * FrameRate)).ToHashSet();

        var smallestCut = cutFrames.Min(f => changes[f]);
        var largestWithinShots = changes.Where(c => !cutFrames.Contains(c.Key)).Max(c => c.Value);
        Assert.True(smallestCut > 2 * largestWithinShots, $"the weakest cut changes {smallestCut:0.0} grey levels, a frame within a shot {largestWithinShots:0.0}");
    }

    private Task WriteAsync(SampleClip clip, TempFolder folder) =>
        _writer.WriteAsync(clip, folder.PathOf(clip.Id + ".mp4"), folder.PathOf(clip.Id + ".json"), Cancellation);

    private async Task<double> MeanBrightnessAsync(SampleClip clip, TempFolder folder)
    {
        await WriteAsync(clip, folder);
        var frame = await ExternalTool.RunAsync("ffmpeg",
            ["-v", "error", "-ss", "1", "-i", folder.PathOf(clip.Id + ".mp4"), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
            Cancellation);
        Assert.Equal(FrameBytes, frame.Length);
        return frame.Average(b => (double)b);
    }

    private static double MeanAbsoluteDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return (double)sum / a.Length;
    }
}
