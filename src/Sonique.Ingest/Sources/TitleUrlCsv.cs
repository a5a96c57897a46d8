using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;

namespace Sonique.Ingest.Sources;

/// <summary>
/// Reads the original's music_videos.csv (columns Title,URL; header names in any case, extra columns
/// ignored). Its quirks are expected: duplicated rows, quoted titles with commas, any script, blank lines,
/// a byte-order mark. A bad row is rejected with its line number and the rest are read. The file must be UTF-8:
/// anything else (a Latin-1 export) is refused naming the first bad byte, never read with replacement characters.
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
        using var reader = new StringReader(await ReadUtf8Async(path, shownAs, cancellationToken));
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

    /// <summary>The file's text; a UTF-8 byte-order mark is dropped, and bytes that are not UTF-8 are refused.</summary>
    private static async Task<string> ReadUtf8Async(string path, string shownAs, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var text = bytes.AsSpan(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0);
        var chars = new char[text.Length];
        var status = Utf8.ToUtf16(text, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done)
        {
            return new string(chars, 0, written);
        }

        var offset = bytes.Length - text.Length + read;
        var line = text[..read].Count((byte)'\n') + 1;
        var value = bytes[offset].ToString("X2", CultureInfo.InvariantCulture);
        throw new InvalidDataException(
            $"The CSV '{shownAs}' is not UTF-8: line {line}, byte {offset} (0x{value}) is not valid UTF-8. Save it as UTF-8 (a Latin-1 'é' is the byte 0xE9; in UTF-8 it is C3 A9).");
    }
}
