using System.Text;
using Sonique.Media.Clips;

namespace Sonique.Dataset.Pairs;

/// <summary>
/// splits.csv: <c>clip_id,split,kept,note</c>, one row per clip, so anyone can see where each clip went and why a training
/// clip is missing from train.jsonl. Fields are quoted as RFC 4180 says (when they hold a comma, a quote or a line break,
/// quotes doubled); lines end with "\n" as every file of this project.
/// </summary>
public static class SplitsCsv
{
    public const string Header = "clip_id,split,kept,note";

    public static string Text(IEnumerable<(ClipId ClipId, DatasetSplit Split, string? DroppedFor)> rows)
    {
        var builder = new StringBuilder().Append(Header).Append('\n');
        foreach (var (clipId, split, droppedFor) in rows)
        {
            builder.Append(Field(clipId.Value)).Append(',')
                .Append(Name(split)).Append(',')
                .Append(droppedFor is null ? "true" : "false").Append(',')
                .Append(Field(droppedFor ?? string.Empty)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>The split as the files name it: train, validation, test.</summary>
    public static string Name(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => "train",
        DatasetSplit.Validation => "validation",
        DatasetSplit.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
