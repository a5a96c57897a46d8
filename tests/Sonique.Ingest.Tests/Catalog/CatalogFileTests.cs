using Sonique.Ingest.Catalog;
using Sonique.Ingest.Sources;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;

namespace Sonique.Ingest.Tests.Catalog;

public sealed class CatalogFileTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("catalog-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Entries_survive_the_round_trip_whatever_their_titles_hold()
    {
        var ct = TestContext.Current.CancellationToken;
        CatalogEntry[] entries =
        [
            new() { Id = ClipId.Parse("aaaaaaaaaaa"), Title = "A, \"quoted\"\nsecond line", Url = "https://www.youtube.com/watch?v=aaaaaaaaaaa", Source = "csv", DurationSeconds = 212.5, Channel = "Ch, 1" },
            new() { Id = ClipId.Parse("media/x y.mp4"), Title = "=cmd|' /C calc'!A0", Url = "media/x y.mp4", Source = "folder" },
            new() { Id = ClipId.Parse("sample-0001"), Title = "Неон 🎵", Url = "artifacts/samples/sample-0001.mp4", Source = "samples", DurationSeconds = 16, Truth = "artifacts/samples/sample-0001.json" },
        ];
        var path = Path.Combine(_dir, "catalog.csv");

        await CatalogFile.WriteAsync(path, entries, ct);
        var read = await CatalogFile.ReadAsync(path, ct);

        Assert.Equal(entries, read);
        Assert.StartsWith("id,file,title,url,source,duration_seconds,channel,truth\n", await File.ReadAllTextAsync(path, ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cells_a_spreadsheet_would_run_are_written_behind_a_quote_and_read_back_exactly()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] titles = ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn", "'quoted'", "''", "plain - dash", "a=b"];
        var entries = titles.Select((t, i) => new CatalogEntry
        {
            Id = ClipId.Parse($"id{i}"),
            Title = t,
            Url = $"https://youtu.be/id{i}",
            Source = "csv",
            Channel = "=" + t,
        }).ToList();
        var path = Path.Combine(_dir, "catalog.csv");

        await CatalogFile.WriteAsync(path, entries, ct);

        Assert.Equal(entries, await CatalogFile.ReadAsync(path, ct));
        var text = await File.ReadAllTextAsync(path, ct);
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\")\"", text, StringComparison.Ordinal);
        Assert.Contains(",'+1+2,", text, StringComparison.Ordinal);
        Assert.Contains(",'-2+3,", text, StringComparison.Ordinal);
        Assert.Contains(",'@SUM(A1),", text, StringComparison.Ordinal);
        Assert.Contains("'\tTabbed", text, StringComparison.Ordinal);
        Assert.Contains(",''quoted',", text, StringComparison.Ordinal);
        Assert.Contains(",plain - dash,", text, StringComparison.Ordinal);

        var rejected = Path.Combine(_dir, "catalog.rejected.csv");
        await CatalogFile.WriteRejectedAsync(rejected, [new RejectedRow("csv", "a.csv:2", "=cmd|' /C calc'!A0", "-bad")], ct);
        Assert.Equal("source,where,value,reason\ncsv,a.csv:2,'=cmd|' /C calc'!A0,'-bad\n", await File.ReadAllTextAsync(rejected, ct));
    }

    [Fact]
    public async Task A_damaged_catalog_is_an_error_naming_the_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_dir, "catalog.csv");
        await File.WriteAllTextAsync(path, "id,file,title,url,source,duration_seconds,channel,truth\nx,x,t,,csv,,,\n", ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => CatalogFile.ReadAsync(path, ct));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("url", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../samples/x")]
    [InlineData("other")]
    public async Task A_file_column_that_is_not_the_ids_safe_name_is_refused(string file)
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_dir, "catalog.csv");
        await File.WriteAllTextAsync(path, $"id,file,title,url,source,duration_seconds,channel,truth\nabc,{file},t,https://example.com/a.mp4,csv,,,\n", ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => CatalogFile.ReadAsync(path, ct));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_that_is_no_clip_id_is_refused_naming_the_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_dir, "catalog.csv");
        await File.WriteAllTextAsync(path, "id,file,title,url,source,duration_seconds,channel,truth\nabc,abc,t,https://example.com/a.mp4,csv,,,\n\"  \",x,t,https://example.com/b.mp4,csv,,,\n", ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => CatalogFile.ReadAsync(path, ct));
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not a clip id", error.Message, StringComparison.Ordinal);
    }
}
