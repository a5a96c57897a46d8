using System.Globalization;
using CsvHelper;
using Sonique.Ingest.Sources;
using Sonique.Media.Clips;

namespace Sonique.Ingest.Catalog;

/// <summary>The catalog as CSV, read and written with CsvHelper so that titles with commas, quotes, line
/// breaks and any script survive the round trip. A cell a spreadsheet would run as a formula (starting with
/// '=', '+', '-', '@', a tab or a carriage return) is written behind a "'", as is a cell that starts with "'"
/// itself, and reading takes exactly one leading "'" off again.</summary>
public static class CatalogFile
{
    private static readonly string[] Columns = ["id", "file", "title", "url", "source", "duration_seconds", "channel", "truth"];

    public static Task WriteAsync(string path, IEnumerable<CatalogEntry> entries, CancellationToken cancellationToken) =>
        WriteRowsAsync(path, Columns, entries.Select(e => new[]
        {
            e.Id.Value, e.Id.FileName, e.Title, e.Url, e.Source, e.DurationSeconds?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty,
            e.Channel ?? string.Empty, e.Truth ?? string.Empty,
        }), cancellationToken);

    /// <summary>What the sources offered that did not become clips (source, where, value, reason).</summary>
    public static Task WriteRejectedAsync(string path, IEnumerable<RejectedRow> rows, CancellationToken cancellationToken) =>
        WriteRowsAsync(path, ["source", "where", "value", "reason"], rows.Select(r => new[] { r.Source, r.Where, r.Value, r.Reason }), cancellationToken);

    public static async Task<IReadOnlyList<CatalogEntry>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        await using var csv = CsvReader.Create(reader, new CsvReaderOptions { TrackLineNumbers = true, MalformedData = CsvMalformedDataHandling.Throw }, leaveOpen: false);
        var entries = new List<CatalogEntry>();
        try
        {
            while (await csv.ReadAsync(cancellationToken))
            {
                var id = ClipId.Parse(Required(csv, "id", path));
                var file = Required(csv, "file", path);
                if (file != id.FileName)
                {
                    // The column is there for people; a hand-edited "../x" must not pass as if a stage could use it.
                    throw new InvalidDataException($"The catalog '{path}', line {csv.LineNumber}: file '{file}' is not the file name of id '{id}' (expected '{id.FileName}').");
                }

                entries.Add(new CatalogEntry
                {
                    Id = id,
                    Title = Cell(csv, "title"),
                    Url = Required(csv, "url", path),
                    Source = Required(csv, "source", path),
                    DurationSeconds = double.TryParse(Cell(csv, "duration_seconds"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
                    Channel = NullIfEmpty(Cell(csv, "channel")),
                    Truth = NullIfEmpty(Cell(csv, "truth")),
                });
            }
        }
        catch (Exception e) when (e is CsvFormatException or ArgumentException or KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"The catalog '{path}', line {csv.LineNumber}: {e.Message}", e);
        }

        return entries;
    }

    private static string Required(CsvReader csv, string column, string path)
    {
        var value = Cell(csv, column);
        return value.Length > 0 ? value : throw new InvalidDataException($"The catalog '{path}', line {csv.LineNumber}: column '{column}' is empty.");
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static string Cell(CsvReader csv, string column) => Unescape(csv.GetString(column));

    /// <summary>The cell as written: behind a "'" when a spreadsheet would evaluate it, or when it starts with "'".</summary>
    private static string Escape(string cell) =>
        cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'' ? "'" + cell : cell;

    private static string Unescape(string cell) => cell.StartsWith('\'') ? cell[1..] : cell;

    private static async Task WriteRowsAsync(string path, string[] header, IEnumerable<string[]> rows, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 65536, useAsync: true);
        await using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: false);
        csv.WriteHeader(header);
        foreach (var row in rows)
        {
            await csv.WriteRecordAsync(Array.ConvertAll(row, Escape), cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }
}
