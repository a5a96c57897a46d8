using Sonique.Dataset.Pairs;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;

namespace Sonique.Evaluation.Tests;

public sealed class TestClipTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("testclips-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TestJsonl => Path.Combine(_dir, "test.jsonl");

    private string Splits => Path.Combine(_dir, "splits.csv");

    private static ClipPair Pair(string id, string tags) => new(ClipId.Parse(id), $"Scene of {id}.", tags, tags.Split(", ")[..^1], int.Parse(tags.Split(", ")[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>What the analysis files say of each clip now, found by id as Evaluate finds them.</summary>
    private static Func<ClipId, CancellationToken, Task<ClipPair>> Lookup(params ClipPair[] pairs) =>
        (id, _) => Task.FromResult(pairs.Single(p => p.ClipId == id));

    [Fact]
    public async Task Test_rows_of_splits_csv_name_the_clips_and_each_is_found_by_id_whatever_the_order_of_test_jsonl()
    {
        var ct = TestContext.Current.CancellationToken;
        ClipPair[] test = [Pair("a,b", "Piano, Calm, 70 BPM"), Pair("c", "Drums, 120 BPM")];
        await ChatJsonl.WriteAsync(TestJsonl, [test[1], test[0]], ct);
        await File.WriteAllTextAsync(Splits, SplitsCsv.Text([(test[0].ClipId, DatasetSplit.Test, null), (ClipId.Parse("x"), DatasetSplit.Train, "balanced out, Piano"), (test[1].ClipId, DatasetSplit.Test, null)]), ct);

        var clips = await TestClip.ReadAsync(Splits, TestJsonl, Lookup(test), ct);

        Assert.Equal(["a,b", "c"], clips.Select(c => c.ClipId.Value));
        Assert.Equal("Scene of c.", clips[1].Description);
        Assert.Equal(["Piano", "Calm", "70 BPM"], clips[0].Reference.Tags);
    }

    [Fact]
    public async Task A_clip_whose_tags_changed_since_pair_ran_is_refused_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await ChatJsonl.WriteAsync(TestJsonl, [Pair("a", "Piano, 70 BPM"), Pair("b", "Drums, 120 BPM")], ct);
        await File.WriteAllTextAsync(Splits, SplitsCsv.Text([(ClipId.Parse("a"), DatasetSplit.Test, null), (ClipId.Parse("b"), DatasetSplit.Test, null)]), ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TestClip.ReadAsync(Splits, TestJsonl, Lookup(Pair("a", "Piano, 70 BPM"), Pair("b", "Rock, 120 BPM")), ct));

        Assert.Contains("test.jsonl' holds no conversation for the test clip 'b' of", error.Message, StringComparison.Ordinal);
        Assert.Contains("rerun Pair", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conversation_no_test_clip_accounts_for_is_refused_naming_both_files()
    {
        var ct = TestContext.Current.CancellationToken;
        await ChatJsonl.WriteAsync(TestJsonl, [Pair("a", "Piano, 70 BPM"), Pair("b", "Drums, 120 BPM")], ct);
        await File.WriteAllTextAsync(Splits, SplitsCsv.Text([(ClipId.Parse("a"), DatasetSplit.Test, null), (ClipId.Parse("b"), DatasetSplit.Validation, null)]), ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TestClip.ReadAsync(Splits, TestJsonl, Lookup(Pair("a", "Piano, 70 BPM"), Pair("b", "Drums, 120 BPM")), ct));

        Assert.Contains("test.jsonl' holds 1 conversation(s) that no test clip of", error.Message, StringComparison.Ordinal);
        Assert.Contains("splits.csv' accounts for", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_test_split_is_explained_with_the_clip_count_and_the_share_before_any_model_loads()
    {
        var ct = TestContext.Current.CancellationToken;
        await ChatJsonl.WriteAsync(TestJsonl, [], ct);
        var rows = Enumerable.Range(1, 30).Select(i => (ClipId.Parse($"clip{i}"), i % 10 == 0 ? DatasetSplit.Validation : DatasetSplit.Train, (string?)null)).ToList();
        await File.WriteAllTextAsync(Splits, SplitsCsv.Text(rows), ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationRun.RunAsync(
            TestJsonl,
            Splits,
            (_, _) => throw new InvalidOperationException("no clip is looked up for an empty test split"),
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
