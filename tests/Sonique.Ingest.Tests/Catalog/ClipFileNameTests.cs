using Sonique.Ingest.Catalog;

namespace Sonique.Ingest.Tests.Catalog;

public sealed class ClipFileNameTests
{
    [Theory]
    [InlineData("dQw4w9WgXcQ")]
    [InlineData("sample-0001")]
    [InlineData("a_b-c")]
    public void Safe_ids_are_used_as_they_are(string id) => Assert.Equal(id, ClipFileName.For(id));

    [Theory]
    [InlineData("-dQw4w9WgXc")]
    [InlineData("../../etc/passwd")]
    [InlineData("https://example.com/a b/c.mp4?x=1")]
    [InlineData("media/My Video (live).mp4")]
    [InlineData("CON")]
    [InlineData("Ünïcode/名前")]
    [InlineData(".hidden")]
    public void Unsafe_ids_become_a_slug_and_a_hash_that_no_tool_reads_as_an_option(string id)
    {
        var stem = ClipFileName.For(id);

        Assert.Matches("^[A-Za-z0-9][A-Za-z0-9_]*\\.[0-9a-f]{16}$", stem);
        Assert.NotEqual(ClipFileName.For(id + "x"), stem);
        Assert.Equal(stem, ClipFileName.For(id));
    }

    [Fact]
    public void The_two_forms_never_collide()
    {
        // A raw stem cannot contain '.', a derived one always does.
        var derived = ClipFileName.For("-abc");
        Assert.False(ClipFileName.IsSafe(derived));
        Assert.StartsWith("My_Video_live.", ClipFileName.For("media/My Video (live).mp4"), StringComparison.Ordinal);
    }
}
