using System.Diagnostics;
using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Features;
using Sonique.Analysis.Video.Features;
using Sonique.Ingest.Samples;
using Sonique.Media;
using Sonique.Tests.Shared;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// TagAudio and DescribeVideo's built-in backends, one clip at a time, decoding included: seconds of media
/// analysed per second of wall time, beside Debian's `aubio tempo` and a plain ffmpeg decode of the same files.
/// Run it under `taskset -c 0` for the one-core figure.
/// </summary>
internal static class AnalysisBenchmark
{
    private const double ClipSeconds = 16;

    public static async Task<string> RunAsync(string scratch, int clips, CancellationToken cancellationToken)
    {
        var ffmpeg = new Ffmpeg();
        Directory.CreateDirectory(scratch);
        var plan = SampleLibrary.Plan(seed: 1, clips, ClipSeconds);
        var writer = new SampleClipWriter(ffmpeg);
        Progress.Say($"writing {clips} sample clips as Download leaves them (mp4, 16-bit 44.1 kHz stereo wav)");
        var videos = new List<string>();
        var wavs = new List<string>();
        foreach (var clip in plan)
        {
            var mp4 = Path.Combine(scratch, clip.Id + ".mp4");
            await writer.WriteAsync(clip, mp4, Path.Combine(scratch, clip.Id + ".json"), cancellationToken);
            var wav = Path.Combine(scratch, clip.Id + ".wav");
            await ffmpeg.RunAsync(["-i", mp4, "-vn", "-ac", "2", "-ar", "44100", "-c:a", "pcm_s16le", wav], cancellationToken);
            videos.Add(mp4);
            wavs.Add(wav);
        }

        var tagger = new FeatureTagger(new AudioReader(ffmpeg), new FeatureTaggerOptions());
        var describer = new FeatureDescriber(ffmpeg, new FeatureDescriberOptions());
        var media = clips * ClipSeconds;

        await tagger.TagAsync(wavs[0], cancellationToken);
        Progress.Say("TagAudio features, one clip at a time");
        var tagging = await TimeEachAsync(wavs, p => tagger.TagAsync(p, cancellationToken));
        Progress.Say("aubio tempo on the same files");
        var aubio = await TimeEachAsync(wavs, p => Task.Run(() => Tool.Run("aubio", ["tempo", p]), cancellationToken));
        Progress.Say("DescribeVideo features, one clip at a time");
        var describing = await TimeEachAsync(videos, p => describer.DescribeAsync(p, cancellationToken));
        Progress.Say("ffmpeg decoding the same videos to nothing");
        var decoding = await TimeEachAsync(videos, p => ffmpeg.RunAsync(["-i", p, "-an", "-f", "null", "-"], cancellationToken));

        // A real run mostly analyses 60 s cut from 720p videos.
        Progress.Say("a 60 s 720p 30 fps clip");
        var big = Path.Combine(scratch, "big.mp4");
        var bigWav = Path.Combine(scratch, "big.wav");
        TestMedia.Write(big, 60, size: "1280x720", rate: 30, preset: "veryfast");
        await ffmpeg.RunAsync(["-i", big, "-vn", "-ac", "2", "-ar", "44100", "-c:a", "pcm_s16le", bigWav], cancellationToken);
        var bigTagging = await TimeEachAsync([bigWav], p => tagger.TagAsync(p, cancellationToken));
        var bigDescribing = await TimeEachAsync([big], p => describer.DescribeAsync(p, cancellationToken));
        var bigDecoding = await TimeEachAsync([big], p => ffmpeg.RunAsync(["-i", p, "-an", "-f", "null", "-"], cancellationToken));

        var rows = new List<IReadOnlyList<string>>
        {
            Row($"TagAudio features, {clips} sample clips", media, tagging, 200),
            Row("aubio tempo, same files (reference)", media, aubio, null),
            Row($"DescribeVideo features, {clips} sample clips", media, describing, 50),
            Row("ffmpeg decode only, same videos (reference)", media, decoding, null),
            Row("TagAudio features, 60 s wav from 720p", 60, bigTagging, 200),
            Row("DescribeVideo features, 60 s 720p 30 fps", 60, bigDescribing, 50),
            Row("ffmpeg decode only, 60 s 720p 30 fps (reference)", 60, bigDecoding, null),
        };

        return "## Analysis: TagAudio and DescribeVideo (features backends)\n\n"
            + Invariant($"One clip at a time; seconds of media per second of wall time. TagAudio against aubio: {aubio / tagging:F1}x faster. ")
            + Invariant($"DescribeVideo against a plain ffmpeg decode of the same videos: {decoding / describing:F2}x.\n\n")
            + Table(["work", "media s", "wall s", "x real time", "bar", "met"], rows) + "\n"
            + await OnnxTaggerBenchmark.RunAsync(scratch, wavs, ClipSeconds, cancellationToken);
    }

    private static IReadOnlyList<string> Row(string work, double mediaSeconds, double wallSeconds, double? bar) =>
    [
        work,
        Number(mediaSeconds, "F0"),
        Number(wallSeconds, "F3"),
        Number(mediaSeconds / wallSeconds, "F0"),
        bar is null ? "" : Number(bar.Value, "F0") + "x",
        bar is null ? "" : YesNo(mediaSeconds / wallSeconds >= bar),
    ];

    /// <summary>Wall seconds to do <paramref name="work"/> on each path in turn.</summary>
    internal static async Task<double> TimeEachAsync(IReadOnlyList<string> paths, Func<string, Task> work)
    {
        var clock = Stopwatch.StartNew();
        foreach (var path in paths)
        {
            await work(path);
        }

        return clock.Elapsed.TotalSeconds;
    }
}
