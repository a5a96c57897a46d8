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
        var ids = (await File.ReadAllLinesAsync(splitsCsv, ct))
            .Skip(1)
            .Select(line => line.Split(','))
            .Where(cells => cells.Length >= 2 && cells[1] == SplitsCsv.Name(DatasetSplit.Test))
            .Select(cells => cells[0])
            .ToList();
        var clips = new List<TestClip>();
        await foreach (var conversation in ChatJsonl.ReadAsync(testJsonl, ct))
        {
            var index = clips.Count;
            if (index >= ids.Count)
            {
                break;
            }

            var description = conversation.LastOrDefault(m => m.Role == "user")?.Content ?? string.Empty;
            var answer = conversation.LastOrDefault(m => m.Role == "assistant")?.Content;
            clips.Add(new TestClip(ids[index], description, TagParser.Parse(answer)));
        }

        var lines = 0;
        await foreach (var _ in ChatJsonl.ReadAsync(testJsonl, ct))
        {
            lines++;
        }

        return lines == ids.Count
            ? clips
            : throw new InvalidDataException($"'{testJsonl}' has {lines} conversations but '{splitsCsv}' names {ids.Count} test clips: rerun Pair.");
    }
}
