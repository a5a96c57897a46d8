using Sonique.Dataset.Pairs;
using Sonique.Dataset.Tags;

namespace Sonique.Evaluation;

/// <summary>A clip of the test split: its description (the question) and its reference tags (the answer).</summary>
public sealed record TestClip(string ClipId, string Description, ParsedTags Reference)
{
    /// <summary>
    /// The test split as Pair wrote it: test.jsonl's conversations, named by splits.csv's test rows (both in clip
    /// order). A mismatch between the two files is refused, naming both.
    /// </summary>
    public static async Task<IReadOnlyList<TestClip>> ReadAsync(string testJsonl, string splitsCsv, CancellationToken ct)
    {
        var (ids, _) = await ReadSplitsAsync(splitsCsv, ct);
        var conversations = new List<IReadOnlyList<ChatMessage>>();
        await foreach (var conversation in ChatJsonl.ReadAsync(testJsonl, ct))
        {
            conversations.Add(conversation);
        }

        if (conversations.Count != ids.Count)
        {
            throw new InvalidDataException($"'{testJsonl}' has {conversations.Count} conversations but '{splitsCsv}' names {ids.Count} test clips: rerun Pair.");
        }

        return conversations.Select((conversation, i) => new TestClip(
            ids[i],
            conversation.LastOrDefault(m => m.Role == "user")?.Content ?? string.Empty,
            TagParser.Parse(conversation.LastOrDefault(m => m.Role == "assistant")?.Content))).ToList();
    }

    /// <summary>How many clips splits.csv holds, in every split.</summary>
    public static async Task<int> CountClipsAsync(string splitsCsv, CancellationToken ct) => (await ReadSplitsAsync(splitsCsv, ct)).Clips;

    /// <summary>The clip ids of splits.csv's test rows, in order (RFC 4180: an id may be quoted), and its row count.</summary>
    private static async Task<(List<string> TestIds, int Clips)> ReadSplitsAsync(string splitsCsv, CancellationToken ct)
    {
        using var reader = new StreamReader(splitsCsv);
        await using var csv = CsvHelper.CsvReader.Create(reader, new CsvHelper.CsvReaderOptions { TrackLineNumbers = true, MalformedData = CsvHelper.CsvMalformedDataHandling.Throw }, leaveOpen: false);
        var ids = new List<string>();
        var clips = 0;
        try
        {
            while (await csv.ReadAsync(ct))
            {
                clips++;
                if (csv.GetString("split") == SplitsCsv.Name(DatasetSplit.Test))
                {
                    ids.Add(csv.GetString("clip_id"));
                }
            }
        }
        catch (Exception e) when (e is CsvHelper.CsvFormatException or ArgumentException or KeyNotFoundException)
        {
            throw new InvalidDataException($"'{splitsCsv}', line {csv.LineNumber}: {e.Message}", e);
        }

        return (ids, clips);
    }
}
