using Sonique.Dataset.Pairs;
using Sonique.Dataset.Tags;
using Sonique.Media.Clips;

namespace Sonique.Evaluation;

/// <summary>A clip of the test split: its description (the question) and its reference tags (the answer).</summary>
public sealed record TestClip(ClipId ClipId, string Description, ParsedTags Reference)
{
    public static TestClip Of(ClipPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return new TestClip(pair.ClipId, pair.Description, TagParser.Parse(pair.Tags));
    }

    /// <summary>
    /// The test split as Pair wrote it, joined by id: splits.csv's test rows name the clips, <paramref name="pairOf"/>
    /// finds each clip's description and tags by its id, and test.jsonl must hold exactly those clips' conversations (in
    /// any order). A clip whose conversation is not in test.jsonl, or a conversation no test clip accounts for, means the
    /// files disagree (a clip changed since Pair ran): refused, naming the clip or the file.
    /// </summary>
    public static async Task<IReadOnlyList<TestClip>> ReadAsync(
        string splitsCsv, string testJsonl, Func<ClipId, CancellationToken, Task<ClipPair>> pairOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pairOf);
        var (ids, _) = await ReadSplitsAsync(splitsCsv, ct);
        var written = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var conversation in ChatJsonl.ReadAsync(testJsonl, ct))
        {
            var line = ChatJsonl.Line(conversation);
            written[line] = written.GetValueOrDefault(line) + 1;
        }

        var clips = new List<TestClip>(ids.Count);
        foreach (var id in ids)
        {
            var pair = await pairOf(id, ct);
            var line = ChatJsonl.Line(ChatJsonl.Conversation(pair));
            if (written.GetValueOrDefault(line) == 0)
            {
                throw new InvalidDataException($"'{testJsonl}' holds no conversation for the test clip '{id}' of '{splitsCsv}' as its description and tags read now: rerun Pair.");
            }

            written[line]--;
            clips.Add(Of(pair));
        }

        var unclaimed = written.Values.Sum();
        if (unclaimed > 0)
        {
            throw new InvalidDataException($"'{testJsonl}' holds {unclaimed} conversation(s) that no test clip of '{splitsCsv}' accounts for: rerun Pair.");
        }

        return clips;
    }

    /// <summary>How many clips splits.csv holds, in every split.</summary>
    public static async Task<int> CountClipsAsync(string splitsCsv, CancellationToken ct) => (await ReadSplitsAsync(splitsCsv, ct)).Clips;

    /// <summary>The clip ids of splits.csv's test rows (RFC 4180: an id may be quoted), and its row count.</summary>
    private static async Task<(List<ClipId> TestIds, int Clips)> ReadSplitsAsync(string splitsCsv, CancellationToken ct)
    {
        using var reader = new StreamReader(splitsCsv);
        await using var csv = CsvHelper.CsvReader.Create(reader, new CsvHelper.CsvReaderOptions { TrackLineNumbers = true, MalformedData = CsvHelper.CsvMalformedDataHandling.Throw }, leaveOpen: false);
        var ids = new List<ClipId>();
        var clips = 0;
        try
        {
            while (await csv.ReadAsync(ct))
            {
                clips++;
                if (csv.GetString("split") == SplitsCsv.Name(DatasetSplit.Test))
                {
                    ids.Add(ClipId.Parse(csv.GetString("clip_id")));
                }
            }
        }
        catch (Exception e) when (e is CsvHelper.CsvFormatException or ArgumentException or KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"'{splitsCsv}', line {csv.LineNumber}: {e.Message}", e);
        }

        return (ids, clips);
    }
}
