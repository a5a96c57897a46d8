using Sonique.Ingest.Sources;
using Sonique.Tests.Shared;

namespace Sonique.Ingest.Tests.Sources;

public sealed class TitleUrlCsvTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("csv-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_originals_quirks_are_read_and_bad_rows_are_named_by_line()
    {
        // As the original's saver left it: a BOM, rows repeated, commas and quotes in titles, other scripts, blank lines.
        var path = Path.Combine(_dir, "music_videos.csv");
        await File.WriteAllTextAsync(path, string.Join("\n",
            "\uFEFFTitle,URL",
            "Song A,https://www.youtube.com/watch?v=aaaaaaaaaaa",
            "",
            "\"Song B, live at \"\"Wembley\"\"\",https://www.youtube.com/watch?v=bbbbbbbbbbb",
            "Song A,https://www.youtube.com/watch?v=aaaaaaaaaaa",
            "   ",
            "Песня — 歌 🎵,https://youtu.be/ccccccccccc",
            "No URL here,",
            "\"broken\"quote,https://www.youtube.com/watch?v=ddddddddddd",
            ""), TestContext.Current.CancellationToken);

        var (rows, rejected) = await TitleUrlCsv.ReadAsync(path, "music_videos.csv", TestContext.Current.CancellationToken);

        Assert.Equal(
            ["Song A", "Song B, live at \"Wembley\"", "Song A", "Песня — 歌 🎵"],
            rows.Select(r => r.Title));
        Assert.Equal(4, rows[1].Line);
        Assert.Equal(2, rejected.Count);
        Assert.Contains(rejected, r => r.Where == "music_videos.csv:8" && r.Reason.Contains("no URL", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Where == "music_videos.csv:9" && r.Reason.Contains("malformed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_latin1_file_is_refused_naming_the_file_the_line_and_the_byte()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_dir, "latin1.csv");
        await File.WriteAllBytesAsync(path, System.Text.Encoding.Latin1.GetBytes("Title,URL\nSong A,https://youtu.be/aaaaaaaaaaa\ncafé,https://youtu.be/bbbbbbbbbbb\n"), ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TitleUrlCsv.ReadAsync(path, "latin1.csv", ct));

        Assert.Contains("'latin1.csv'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("byte 49 (0xE9)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_in_any_case_with_extra_columns_are_accepted_and_missing_ones_named()
    {
        var ct = TestContext.Current.CancellationToken;
        var good = Path.Combine(_dir, "good.csv");
        await File.WriteAllTextAsync(good, ",title,url\n0,X,https://youtu.be/aaaaaaaaaaa\n", ct);
        var (rows, _) = await TitleUrlCsv.ReadAsync(good, "good.csv", ct);
        Assert.Equal("X", Assert.Single(rows).Title);

        var bad = Path.Combine(_dir, "bad.csv");
        await File.WriteAllTextAsync(bad, "Name,Link\nX,https://youtu.be/aaaaaaaaaaa\n", ct);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TitleUrlCsv.ReadAsync(bad, "bad.csv", ct));
        Assert.Contains("bad.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("Name,Link", error.Message, StringComparison.Ordinal);
    }
}
