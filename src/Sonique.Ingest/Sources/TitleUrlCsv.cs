using CsvHelper;

namespace Sonique.Ingest.Sources;

/// <summary>
/// Reads the original's music_videos.csv (columns Title,URL; header names in any case, extra columns
/// ignored). Its quirks are expected: duplicated rows, quoted titles with commas, any script, blank lines,
/// a byte-order mark. A bad row is rejected with its line number and the rest are read.
/// </summary>
public static class TitleUrlCsv
{
    public sealed record Row(long Line, string Title, string Url);

    public static async Task<(IReadOnlyList<Row> Rows, IReadOnlyList<RejectedRow> Rejected)> ReadAsync(string path, string shownAs, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        var rejected = new List<RejectedRow>();
        var options = new CsvReaderOptions
        {
            TrackLineNumbers = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            NormalizeHeaderName = h => h.Trim().ToLowerInvariant(),
            OnMalformedRecord = m => rejected.Add(new RejectedRow("csv", $"{shownAs}:{m.LineNumber}", m.RawRecord ?? string.Empty, $"malformed CSV ({m.Reason})")),
        };
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        await using var csv = CsvReader.Create(reader, options, leaveOpen: false);
        if (!await csv.ReadAsync(cancellationToken))
        {
            return (rows, rejected);
        }

        if (!csv.TryGetFieldIndex("title", out var titleIndex) || !csv.TryGetFieldIndex("url", out var urlIndex))
        {
            throw new InvalidDataException($"The CSV '{shownAs}' has no Title and URL columns (its header is: {string.Join(",", csv.Headers)}).");
        }

        do
        {
            var where = $"{shownAs}:{csv.LineNumber}";
            var title = titleIndex < csv.FieldCount ? csv.GetString(titleIndex) : string.Empty;
            var url = urlIndex < csv.FieldCount ? csv.GetString(urlIndex) : string.Empty;
            if (url.Length == 0)
            {
                rejected.Add(new RejectedRow("csv", where, title, "the row has no URL"));
                continue;
            }

            rows.Add(new Row(csv.LineNumber, title, url));
        }
        while (await csv.ReadAsync(cancellationToken));

        return (rows, rejected);
    }
}
