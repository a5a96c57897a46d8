using System.Diagnostics;
using Sonique.Engine;
using Sonique.Ingest.Catalog;
using Sonique.Ingest.Download;
using Sonique.Ingest.Samples;
using Sonique.Media;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// Download over the sample library: clips per second with 1 and 2 workers, stream copy against
/// re-encoding, and the same choice on a 720p source cut to 60 s, which is what a real run mostly does.
/// </summary>
internal static class DownloadBenchmark
{
    private const double ClipSeconds = 16;

    public static async Task<string> RunAsync(string scratch, int clips, CancellationToken cancellationToken)
    {
        var ffmpeg = new Ffmpeg();
        var library = Path.Combine(scratch, "samples");
        Directory.CreateDirectory(library);
        var plan = SampleLibrary.Plan(seed: 1, clips, ClipSeconds);
        var writer = new SampleClipWriter(ffmpeg);
        Progress.Say($"synthesising {clips} sample clips");
        var synthesis = await TimeAsync(() => Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (clip, ct) => await writer.WriteAsync(clip, Path.Combine(library, clip.Id + ".mp4"), Path.Combine(library, clip.Id + ".json"), ct)));

        var rows = new List<IReadOnlyList<string>>();
        var sources = plan.Select(c => Path.Combine(library, c.Id + ".mp4")).ToList();
        var results = new Dictionary<(TrimMode, int), TimeSpan>();
        foreach (var mode in new[] { TrimMode.Copy, TrimMode.Reencode, TrimMode.Auto })
        {
            foreach (var workers in new[] { 1, 2 })
            {
                Progress.Say($"download {mode}, {workers} worker(s)");
                var time = await DownloadAllAsync(ffmpeg, sources, mode, workers, TimeSpan.FromSeconds(60), Path.Combine(scratch, "out"), cancellationToken);
                results[(mode, workers)] = time;
                rows.Add(Row($"local file, {mode.ToString().ToLowerInvariant()}", workers, clips, time));
            }
        }

        // The same clips through yt-dlp from a loopback server: what a URL costs beyond a local file.
        using (var server = new LoopbackServer(library))
        {
            Progress.Say("download through yt-dlp, 2 workers");
            var urls = plan.Select(c => server.Url(c.Id + ".mp4")).ToList();
            var time = await DownloadAllAsync(ffmpeg, urls, TrimMode.Auto, 2, TimeSpan.FromSeconds(60), Path.Combine(scratch, "out"), cancellationToken);
            rows.Add(Row("yt-dlp from 127.0.0.1, auto", 2, clips, time));
        }

        // A real run cuts 60 s out of a longer, larger video.
        Progress.Say("writing a 90 s 720p source");
        var big = Path.Combine(scratch, "big", "source.mp4");
        TestMedia.Write(big, 90, size: "1280x720", rate: 30, preset: "veryfast");
        var bigRows = new List<IReadOnlyList<string>>();
        var bigTimes = new Dictionary<TrimMode, TimeSpan>();
        foreach (var mode in new[] { TrimMode.Copy, TrimMode.Reencode, TrimMode.Auto })
        {
            Progress.Say($"720p cut, {mode}");
            var time = await DownloadAllAsync(ffmpeg, [big], mode, 1, TimeSpan.FromSeconds(60), Path.Combine(scratch, "out-big"), cancellationToken);
            bigTimes[mode] = time;
            var mp4 = Directory.GetFiles(Path.Combine(scratch, "out-big"), "*.mp4").Single();
            bigRows.Add([mode.ToString().ToLowerInvariant(), Seconds(time), Number(60 / time.TotalSeconds, "F0") + "x", Number(TestMedia.Duration(mp4), "F3"), Number(new FileInfo(mp4).Length / 1e6, "F1")]);
        }

        return string.Join("\n\n",
            "### Download",
            Invariant($"Sample library: {clips} clips of {ClipSeconds} s (320x180, 12 fps, h264/aac), synthesised at {clips / synthesis.TotalSeconds:F1} clips/s with 2 workers. Each clip is probed, cut to its first 60 s (here: all of it) and written as mp4 + wav."),
            Table(["path", "workers", "seconds", "clips/s", "x real time"], rows),
            Invariant($"Copy / re-encode speed, 2 workers: {results[(TrimMode.Reencode, 2)] / results[(TrimMode.Copy, 2)]:F1}x. 2 workers / 1 worker (copy): {results[(TrimMode.Copy, 1)] / results[(TrimMode.Copy, 2)]:F2}x."),
            "A 90 s 1280x720 30 fps h264 source (veryfast: B-frames) cut to its first 60 s, one worker:",
            Table(["mode", "seconds", "x real time", "mp4 seconds", "mp4 MB"], bigRows),
            Invariant($"Copy is {bigTimes[TrimMode.Reencode] / bigTimes[TrimMode.Copy]:F0}x faster than re-encoding here.")) + "\n";
    }

    private static IReadOnlyList<string> Row(string path, int workers, int clips, TimeSpan time) =>
        [path, workers.ToString(System.Globalization.CultureInfo.InvariantCulture), Seconds(time), Number(clips / time.TotalSeconds, "F2"), Number(clips * ClipSeconds / time.TotalSeconds, "F0") + "x"];

    private static async Task<TimeSpan> DownloadAllAsync(Ffmpeg ffmpeg, IReadOnlyList<string> sources, TrimMode mode, int workers, TimeSpan length, string output, CancellationToken cancellationToken)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.CreateDirectory(output);
        var downloader = new ClipDownloader(new Workspace(Path.GetDirectoryName(output)!), ffmpeg, new YtDlp(), new DownloadOptions { Length = length, Mode = mode, Retries = 0 });
        return await TimeAsync(() => Parallel.ForEachAsync(sources, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, async (source, ct) =>
        {
            var remote = source.StartsWith("http", StringComparison.Ordinal);
            var id = ClipId.Parse(source);
            var file = id.FileName;
            var entry = new CatalogEntry { Id = id, Title = file, Url = source, Source = "bench" };
            await downloader.DownloadAsync(entry, remote ? null : source, Path.Combine(output, file + ".mp4"), Path.Combine(output, file + ".wav"), ct);
        }));
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed;
    }
}
