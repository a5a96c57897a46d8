using Sonique.Tests.Shared;

namespace Sonique.Media.Tests;

public sealed class YtDlpTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("ytdlp-");
    private readonly LoopbackServer _server;
    private readonly YtDlp _ytDlp = new();

    public YtDlpTests()
    {
        TestMedia.Write(Path.Combine(_dir, "site", "clip.mp4"), 3);
        _server = new LoopbackServer(Path.Combine(_dir, "site"));
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Reports_its_version_as_a_date()
    {
        var version = await _ytDlp.VersionAsync(TestContext.Current.CancellationToken);
        Assert.InRange(version.Released.Year, 2021, 2100);
    }

    [Fact]
    public async Task Downloads_a_video_from_a_loopback_server()
    {
        var file = await _ytDlp.DownloadAsync(_server.Url("clip.mp4"), Path.Combine(_dir, "dl"), "res:720,ext:mp4:m4a", TestContext.Current.CancellationToken);

        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_dir, "site", "clip.mp4"), TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(404, YtDlpFailure.Unavailable)]
    [InlineData(403, YtDlpFailure.Unavailable)]
    [InlineData(503, YtDlpFailure.Transient)]
    public async Task Failures_are_classified_by_what_retrying_can_do(int status, YtDlpFailure expected)
    {
        _server.AnswerWith("clip.mp4", status);

        var error = await Assert.ThrowsAsync<YtDlpException>(
            () => _ytDlp.DownloadAsync(_server.Url("clip.mp4"), Path.Combine(_dir, "dl"), "res:720", TestContext.Current.CancellationToken));

        Assert.Equal(expected, error.Failure);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_cannot_be_resolved_is_unreachable_not_transient()
    {
        // .invalid never resolves (RFC 2606), online or off.
        var error = await Assert.ThrowsAsync<YtDlpException>(
            () => _ytDlp.DownloadAsync("https://nonexistent.invalid/v", Path.Combine(_dir, "dl"), "res:720", TestContext.Current.CancellationToken));

        Assert.Equal(YtDlpFailure.Unreachable, error.Failure);
    }

    [Fact]
    public async Task A_target_that_looks_like_an_option_is_not_read_as_one()
    {
        var marker = Path.Combine(_dir, "pwned");
        var error = await Assert.ThrowsAsync<YtDlpException>(
            () => _ytDlp.DownloadAsync($"--exec=touch {marker}", Path.Combine(_dir, "dl"), "res:720", TestContext.Current.CancellationToken));

        Assert.False(File.Exists(marker));
        Assert.Equal(YtDlpFailure.Unavailable, error.Failure);
    }
}
