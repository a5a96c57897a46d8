using Sonique.Dataset.Pairs;
using Sonique.Tests.Shared;

namespace Sonique.Evaluation.Tests;

public sealed class TestClipTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("testclips-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ClipPair Pair(string id, string tags) => new(id, $"Scene of {id}.", tags, tags.Split(", ")[..^1], int.Parse(tags.Split(", ")[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Test_rows_of_splits_csv_name_the_conversations_of_test_jsonl_in_order_even_when_quoted()
    {
        var ct = TestContext.Current.CancellationToken;
        ClipPair[] test = [Pair("a,b", "Piano, Calm, 70 BPM"), Pair("c", "Drums, 120 BPM")];
        await ChatJsonl.WriteAsync(Path.Combine(_dir, "test.jsonl"), test, ct);
        await File.WriteAllTextAsync(Path.Combine(_dir, "splits.csv"), SplitsCsv.Text([("a,b", DatasetSplit.Test, null), ("x", DatasetSplit.Train, "balanced out, Piano"), ("c", DatasetSplit.Test, null)]), ct);

        var clips = await TestClip.ReadAsync(Path.Combine(_dir, "test.jsonl"), Path.Combine(_dir, "splits.csv"), ct);

        Assert.Equal(["a,b", "c"], clips.Select(c => c.ClipId));
        Assert.Equal("Scene of c.", clips[1].Description);
        Assert.Equal(["Piano", "Calm", "70 BPM"], clips[0].Reference.Tags);
    }

    [Fact]
    public async Task A_test_split_that_disagrees_with_splits_csv_is_refused_naming_both_files()
    {
        var ct = TestContext.Current.CancellationToken;
        await ChatJsonl.WriteAsync(Path.Combine(_dir, "test.jsonl"), [Pair("a", "Piano, 70 BPM")], ct);
        await File.WriteAllTextAsync(Path.Combine(_dir, "splits.csv"), SplitsCsv.Text([("a", DatasetSplit.Test, null), ("b", DatasetSplit.Test, null)]), ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TestClip.ReadAsync(Path.Combine(_dir, "test.jsonl"), Path.Combine(_dir, "splits.csv"), ct));

        Assert.Contains("test.jsonl' has 1 conversations but", error.Message, StringComparison.Ordinal);
        Assert.Contains("splits.csv' names 2 test clips", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_test_split_is_explained_with_the_clip_count_and_the_share_before_any_model_loads()
    {
        var ct = TestContext.Current.CancellationToken;
        await ChatJsonl.WriteAsync(Path.Combine(_dir, "test.jsonl"), [], ct);
        var rows = Enumerable.Range(1, 30).Select(i => ($"clip{i}", i % 10 == 0 ? DatasetSplit.Validation : DatasetSplit.Train, (string?)null)).ToList();
        await File.WriteAllTextAsync(Path.Combine(_dir, "splits.csv"), SplitsCsv.Text(rows), ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationRun.RunAsync(
            Path.Combine(_dir, "test.jsonl"),
            Path.Combine(_dir, "splits.csv"),
            Path.Combine(_dir, "train.jsonl"),
            _ => throw new InvalidOperationException("no model may load for an empty test split"),
            Path.Combine(_dir, "adapter.gguf"),
            TagPromptStyle.SystemTurn,
            0.1,
            Path.Combine(_dir, "evaluation"),
            null,
            ct));

        Assert.StartsWith("The test split is empty: none of the 30 clips fell into it with pair.test 0.1 (about 3 expected).", error.Message, StringComparison.Ordinal);
        Assert.Contains("add clips, or give pair.test a larger share", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("give pair.test a share above 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("pair.test is 0, so none of the 30 clips", EvaluationRun.EmptyTestSplit(30, 0), StringComparison.Ordinal);
    }
}
