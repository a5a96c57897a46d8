using Sonique.Ingest.Sources;

namespace Sonique.Ingest.Tests.Sources;

public sealed class VideoUrlTests
{
    [Theory]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ")]
    [InlineData("https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ")]
    [InlineData("https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=10", "dQw4w9WgXcQ")]
    [InlineData("www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ")]
    [InlineData("https://m.youtube.com/shorts/dQw4w9WgXcQ", "dQw4w9WgXcQ")]
    [InlineData("https://music.youtube.com/watch?v=-QwAw9WgXcQ", "-QwAw9WgXcQ")]
    public void Every_form_of_a_YouTube_URL_is_one_video(string raw, string id)
    {
        Assert.True(VideoUrl.TryNormalize(raw, out var url, out _));
        Assert.Equal($"https://www.youtube.com/watch?v={id}", url);
        Assert.Equal(id, VideoUrl.IdOf(url));
    }

    [Fact]
    public void Other_sites_keep_their_URL_as_the_id()
    {
        Assert.True(VideoUrl.TryNormalize("http://127.0.0.1:8080/a.mp4", out var url, out _));
        Assert.Equal("http://127.0.0.1:8080/a.mp4", VideoUrl.IdOf(url));
    }

    [Theory]
    [InlineData("--exec=rm -rf ~", "option")]
    [InlineData("-o/tmp/x", "option")]
    [InlineData("file:///etc/passwd", "http")]
    [InlineData("ftp://example.com/x.mp4", "http")]
    [InlineData("https://example.com/a\nb", "whitespace")]
    [InlineData("https://example.com/a b", "whitespace")]
    [InlineData("javascript:alert(1)", "http")]
    [InlineData("", "empty")]
    public void Hostile_or_unusable_URLs_are_refused_with_the_reason(string raw, string reason)
    {
        Assert.False(VideoUrl.TryNormalize(raw, out _, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
