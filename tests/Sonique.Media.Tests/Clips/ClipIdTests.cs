using System.Text.Json;
using Sonique.Media.Clips;

namespace Sonique.Media.Tests.Clips;

public sealed class ClipIdTests
{
    private static readonly string[] Unordered = ["é", "a", "B"];

    [Theory]
    [InlineData("dQw4w9WgXcQ")]
    [InlineData("sample-0001")]
    [InlineData("a_b-c")]
    public void Safe_ids_are_used_as_they_are(string id) => Assert.Equal(id, ClipId.Parse(id).FileName);

    [Theory]
    [InlineData("-dQw4w9WgXc")]
    [InlineData("../../etc/passwd")]
    [InlineData("https://example.com/a b/c.mp4?x=1")]
    [InlineData("media/My Video (live).mp4")]
    [InlineData("CON")]
    [InlineData("Ünïcode/名前")]
    [InlineData(".hidden")]
    [InlineData("new\nline.mp4")]
    public void Unsafe_ids_become_a_slug_and_a_hash_that_no_tool_reads_as_an_option(string id)
    {
        var stem = ClipId.Parse(id).FileName;

        Assert.Matches("^[A-Za-z0-9][A-Za-z0-9_]*\\.[0-9a-f]{16}$", stem);
        Assert.NotEqual(ClipId.Parse(id + "x").FileName, stem);
        Assert.Equal(stem, ClipId.Parse(id).FileName);
    }

    [Fact]
    public void The_two_forms_never_collide_and_the_derived_form_is_stable()
    {
        // A raw stem cannot contain '.', a derived one always does.
        var derived = ClipId.Parse("-abc").FileName;
        Assert.False(ClipId.IsSafeFileName(derived));
        Assert.StartsWith("My_Video_live.", ClipId.Parse("media/My Video (live).mp4").FileName, StringComparison.Ordinal);

        // The stems already on disk in every workspace: XXH3-128 of the id, first 16 hex digits.
        Assert.Equal("abc.5d861ed5cf61147d", derived);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\0b")]
    public void Blank_text_or_a_nul_is_no_id(string? text)
    {
        Assert.False(ClipId.TryParse(text, out var id));
        Assert.Null(id);
        Assert.Throws<FormatException>(() => ClipId.Parse(text!));
    }

    [Fact]
    public void Ids_are_equal_and_ordered_ordinally()
    {
        Assert.Equal(ClipId.Parse("a"), ClipId.Parse("a"));
        Assert.True(ClipId.Parse("a") == ClipId.Parse("a"));
        Assert.NotEqual(ClipId.Parse("a"), ClipId.Parse("A"));
        Assert.Equal(ClipId.Parse("x").GetHashCode(), ClipId.Parse("x").GetHashCode());
        Assert.Equal(["B", "a", "é"], Unordered.Select(ClipId.Parse).Order().Select(c => c.ToString()));
        Assert.Equal("media/x y.mp4", ClipId.Parse("media/x y.mp4").ToString());
    }

    [Fact]
    public void Json_holds_the_id_as_its_text_and_refuses_a_blank_one()
    {
        var json = JsonSerializer.Serialize(new[] { ClipId.Parse("a \"b\"") });

        Assert.Equal("[\"a \\u0022b\\u0022\"]", json);
        Assert.Equal(ClipId.Parse("a \"b\""), JsonSerializer.Deserialize<ClipId[]>(json)![0]);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ClipId[]>("[\" \"]"));
    }
}
