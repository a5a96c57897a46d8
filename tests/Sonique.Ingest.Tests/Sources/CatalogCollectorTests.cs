using Sonique.Files;
using Sonique.Ingest.Sources;
using Sonique.Media;
using Sonique.Tests.Shared;

namespace Sonique.Ingest.Tests.Sources;

public sealed class CatalogCollectorTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("collect-");
    private readonly WorkspaceFolder _workspace;
    private readonly CatalogCollector _collector;

    public CatalogCollectorTests()
    {
        _workspace = new WorkspaceFolder(_dir);
        _collector = new CatalogCollector(_workspace, new YtDlp());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Sources_mix_and_duplicates_across_them_collapse_to_the_first()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(Path.Combine(_dir, "a.csv"), "Title,URL\nOne,https://youtu.be/aaaaaaaaaaa\nOne again,https://www.youtube.com/watch?v=aaaaaaaaaaa\nBad,--exec=x\n", ct);
        await File.WriteAllTextAsync(Path.Combine(_dir, "b.csv"), "Title,URL\nOne,https://youtu.be/aaaaaaaaaaa\nTwo,https://youtu.be/bbbbbbbbbbb\n", ct);
        Directory.CreateDirectory(Path.Combine(_dir, "media", "sub"));
        await File.WriteAllBytesAsync(Path.Combine(_dir, "media", "sub", "My clip.mp4"), [1], ct);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "media", "notes.txt"), [1], ct);

        var result = await _collector.CollectAsync(
            [new CsvSource("a.csv"), new CsvSource("b.csv"), new FolderSource("media"), new SampleLibrarySource(7, 3, 4, "artifacts/samples")], ct);

        Assert.Equal(["aaaaaaaaaaa", "bbbbbbbbbbb", "media/sub/My clip.mp4", "sample-0001", "sample-0002", "sample-0003"], result.Entries.Select(e => e.Id.Value));
        Assert.Equal(2, result.Duplicates);
        Assert.Equal(["a.csv:4", "media/notes.txt"], result.Rejected.Select(r => r.Where));
        Assert.Contains("option", result.Rejected[0].Reason, StringComparison.Ordinal);
        Assert.Contains("not a video file ('.txt'", result.Rejected[1].Reason, StringComparison.Ordinal);
        Assert.Equal("One", result.Entries[0].Title);
        var local = result.Entries[2];
        Assert.Equal("folder", local.Source);
        Assert.StartsWith("My_clip.", local.Id.FileName, StringComparison.Ordinal);
        Assert.Equal("artifacts/samples/sample-0002.json", result.Entries[4].Truth);
        Assert.Null(result.YtDlp);
    }

    [Theory]
    [InlineData("../outside.csv")]
    [InlineData("/etc/passwd")]
    public async Task Paths_outside_the_workspace_are_refused(string path)
    {
        var error = await Assert.ThrowsAsync<UnsafePathException>(
            () => _collector.CollectAsync([new CsvSource(path)], TestContext.Current.CancellationToken));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnsafePathException>(
            () => _collector.CollectAsync([new FolderSource("media/../..")], TestContext.Current.CancellationToken));
    }

    [Trait("Tier", "Tool")] // yt-dlp lists the feed
    [Fact]
    public async Task A_playlist_is_listed_through_yt_dlp_with_what_the_source_knows()
    {
        var ct = TestContext.Current.CancellationToken;
        var site = Path.Combine(_dir, "site");
        Directory.CreateDirectory(site);
        using var server = new LoopbackServer(site);
        await File.WriteAllTextAsync(Path.Combine(site, "feed.xml"), $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Channel</title><link>{server.BaseUrl}</link><description>d</description>
            <item><title>First, "quoted"</title><link>{server.Url("a.mp4")}</link><enclosure url="{server.Url("a.mp4")}" type="video/mp4" length="1"/></item>
            <item><title>Ünïcode</title><link>{server.Url("b.mp4")}</link><enclosure url="{server.Url("b.mp4")}" type="video/mp4" length="1"/></item>
            <item><title>Third</title><link>{server.Url("c.mp4")}</link><enclosure url="{server.Url("c.mp4")}" type="video/mp4" length="1"/></item>
            </channel></rss>
            """, ct);

        var result = await _collector.CollectAsync([new PlaylistSource(server.Url("feed.xml"), Limit: 2, IsChannel: false)], ct);

        Assert.Equal([server.Url("a.mp4"), server.Url("b.mp4")], result.Entries.Select(e => e.Url));
        Assert.Equal(["First, \"quoted\"", "Ünïcode"], result.Entries.Select(e => e.Title));
        Assert.All(result.Entries, e => Assert.Equal("playlist", e.Source));
        Assert.NotNull(result.YtDlp);
    }

    [Trait("Tier", "Tool")] // yt-dlp tries the listing
    [Fact]
    public async Task A_listing_that_fails_names_the_source()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => _collector.CollectAsync([new PlaylistSource("http://127.0.0.1:9/none", null, IsChannel: true)], TestContext.Current.CancellationToken));
        Assert.Contains("channel source", error.Message, StringComparison.Ordinal);
    }
}
