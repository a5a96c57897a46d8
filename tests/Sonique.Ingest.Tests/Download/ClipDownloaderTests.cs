using Sonique.Files;
using Sonique.Ingest.Catalog;
using Sonique.Ingest.Download;
using Sonique.Media;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;

namespace Sonique.Ingest.Tests.Download;

[Trait("Tier", "Tool")] // ffmpeg, ffprobe and yt-dlp
public sealed class ClipDownloaderTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("download-");
    private readonly string _site;
    private readonly LoopbackServer _server;

    public ClipDownloaderTests()
    {
        _site = Path.Combine(_dir, "site");
        Directory.CreateDirectory(_site);
        _server = new LoopbackServer(_site);
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private ClipDownloader Downloader(double seconds = 3, TrimMode mode = TrimMode.Auto) => new(new WorkspaceFolder(_dir), new Ffmpeg(), new YtDlp(), new DownloadOptions
    {
        Length = TimeSpan.FromSeconds(seconds),
        MinimumLength = TimeSpan.FromSeconds(2.5),
        Mode = mode,
        Retries = 3,
        RetryDelay = TimeSpan.FromMilliseconds(20),
    });

    private static CatalogEntry Entry(string url) =>
        new() { Id = ClipId.Parse(url), Title = "t", Url = url, Source = "test" };

    [Theory]
    [InlineData(TrimMode.Copy)]
    [InlineData(TrimMode.Reencode)]
    public async Task A_local_clip_is_cut_to_its_first_seconds(TrimMode mode)
    {
        var ct = TestContext.Current.CancellationToken;
        var source = TestMedia.Write(Path.Combine(_dir, "media", "a.mp4"), 8);
        var mp4 = Path.Combine(_dir, "out", "a.mp4");
        var wav = Path.Combine(_dir, "out", "a.wav");
        Directory.CreateDirectory(Path.GetDirectoryName(mp4)!);

        await Downloader(3.5, mode).DownloadAsync(Entry("media/a.mp4"), source, mp4, wav, ct);

        Assert.InRange(TestMedia.Duration(mp4), 3.4, 3.6);
        Assert.InRange(TestMedia.Duration(wav), 3.4, 3.6);
    }

    [Fact]
    public async Task Each_bad_clip_gets_its_reason_and_the_good_ones_complete()
    {
        var ct = TestContext.Current.CancellationToken;
        TestMedia.Write(Path.Combine(_site, "good.mp4"), 5);
        TestMedia.Write(Path.Combine(_site, "flaky.mp4"), 5);
        TestMedia.Write(Path.Combine(_site, "silent.mp4"), 5, audio: false);
        TestMedia.Write(Path.Combine(_site, "short.mp4"), 1.5);
        await File.WriteAllBytesAsync(Path.Combine(_site, "junk.mp4"), Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7)).ToArray(), ct);
        var whole = await File.ReadAllBytesAsync(TestMedia.Write(Path.Combine(_dir, "whole.mp4"), 5), ct);
        await File.WriteAllBytesAsync(Path.Combine(_site, "truncated.mp4"), whole[..(whole.Length / 2)], ct);
        _server.AnswerWith("removed.mp4", 404);
        _server.AnswerWith("private.mp4", 403);
        _server.FailTimes("flaky.mp4", 2);

        var outcomes = new Dictionary<string, string>();
        var names = new[] { "good", "flaky", "silent", "short", "junk", "truncated", "removed", "private" };
        var clips = names.Select(n => (Name: n, Url: _server.Url(n + ".mp4"))).Append((Name: "injection", Url: "--exec=touch /tmp/sonique-pwned"));
        await Task.WhenAll(clips.Select(async clip =>
        {
            var folder = Path.Combine(_dir, "out", clip.Name);
            Directory.CreateDirectory(folder);
            try
            {
                await Downloader().DownloadAsync(Entry(clip.Url), null, Path.Combine(folder, "c.mp4"), Path.Combine(folder, "c.wav"), ct);
                lock (outcomes)
                {
                    outcomes[clip.Name] = "ok";
                }
            }
            catch (ClipDownloadException e)
            {
                lock (outcomes)
                {
                    outcomes[clip.Name] = (e.Permanent ? "permanent: " : "transient: ") + e.Message;
                }
            }
        }));

        Assert.Equal("ok", outcomes["good"]);
        Assert.Equal("ok", outcomes["flaky"]);
        Assert.StartsWith("permanent: no audio stream", outcomes["silent"], StringComparison.Ordinal);
        Assert.StartsWith("permanent: too short: 1.5 s", outcomes["short"], StringComparison.Ordinal);
        Assert.StartsWith("permanent: corrupt", outcomes["junk"], StringComparison.Ordinal);
        Assert.StartsWith("permanent: corrupt", outcomes["truncated"], StringComparison.Ordinal);
        Assert.StartsWith("permanent: unavailable", outcomes["removed"], StringComparison.Ordinal);
        Assert.Contains("404", outcomes["removed"], StringComparison.Ordinal);
        Assert.StartsWith("permanent: unavailable", outcomes["private"], StringComparison.Ordinal);
        Assert.StartsWith("permanent: refused", outcomes["injection"], StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/sonique-pwned"));
        Assert.InRange(TestMedia.Duration(Path.Combine(_dir, "out", "good", "c.mp4")), 2.9, 3.1);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out", "good", "c.mp4.download")));
    }

    [Fact]
    public async Task A_server_that_keeps_failing_is_retried_with_backoff_and_then_left_for_the_next_run()
    {
        var ct = TestContext.Current.CancellationToken;
        TestMedia.Write(Path.Combine(_site, "down.mp4"), 5);
        _server.FailTimes("down.mp4", 1000);
        var folder = Path.Combine(_dir, "out");
        Directory.CreateDirectory(folder);

        var error = await Assert.ThrowsAsync<ClipDownloadException>(
            () => Downloader().DownloadAsync(Entry(_server.Url("down.mp4")), null, Path.Combine(folder, "c.mp4"), Path.Combine(folder, "c.wav"), ct));

        Assert.False(error.Permanent);
        Assert.Contains("4 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_cannot_be_resolved_is_tried_once_and_left_for_the_next_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "out")).FullName;

        // .invalid never resolves; a retry with back-off could not change that within the run.
        var error = await Assert.ThrowsAsync<ClipDownloadException>(
            () => Downloader().DownloadAsync(Entry("https://nonexistent.invalid/v"), null, Path.Combine(folder, "c.mp4"), Path.Combine(folder, "c.wav"), ct));

        Assert.False(error.Permanent);
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 1 attempt,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_clip_swapped_for_a_link_out_of_the_workspace_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var outside = new TempFolder();
        var secret = TestMedia.Write(outside.PathOf("secret.mp4"), 4);
        var source = Path.Combine(_dir, "media", "a.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        File.CreateSymbolicLink(source, secret);
        var mp4 = Path.Combine(_dir, "out", "a.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(mp4)!);

        var error = await Assert.ThrowsAsync<ClipDownloadException>(
            () => Downloader().DownloadAsync(Entry("media/a.mp4"), source, mp4, Path.ChangeExtension(mp4, ".wav"), ct));

        Assert.True(error.Permanent);
        Assert.Contains("'a.mp4'", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the workspace", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(mp4));
    }
}
