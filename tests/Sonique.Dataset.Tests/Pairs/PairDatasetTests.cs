using Sonique.Dataset.Pairs;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;

namespace Sonique.Dataset.Tests.Pairs;

/// <summary>The Pair stage's files: the ones Python would write for the golden clips, the same bytes whatever the input
/// order, balanced-out clips named with why, and repeated ids refused.</summary>
public sealed class PairDatasetTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ClipPair Clip(string id, int? bpm, params string[] tags) =>
        new(ClipId.Parse(id), $"The scene of {id}.", string.Join(", ", tags) + (bpm is null ? "" : $", {bpm} BPM"), tags, bpm);

    [Fact]
    public async Task The_golden_clips_split_into_the_files_python_wrote()
    {
        var folder = _folder.PathOf("out");

        var outcome = await PairDataset.WriteAsync(folder, GoldenClips.All, new PairOptions(GoldenClips.Ratios, GoldenClips.Salt, new BalanceOptions()), Ct);

        foreach (var name in new[] { "train.jsonl", "validation.jsonl", "test.jsonl", "splits.csv" })
        {
            var written = await File.ReadAllBytesAsync(Path.Combine(folder, name), Ct);
            Assert.True(GoldenClips.Bytes(name).AsSpan().SequenceEqual(written), $"{name} differs from the golden file");
        }

        Assert.Equal((3, 4, 3), (outcome.Train, outcome.Validation, outcome.Test));
        Assert.Empty(outcome.Dropped);
        Assert.Equal(10, outcome.Statistics.Clips);
        Assert.Equal(PairDataset.FileNames.Order(StringComparer.Ordinal), Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_file_is_the_same_whatever_the_order_of_the_clips()
    {
        var clips = BalancerTests.Skewed(4, 300);
        var options = new PairOptions(new SplitRatios(0.1, 0.1), "order", new BalanceOptions(MaxTagShare: 0.4, MaxTempoBandShare: 0.3));
        var reference = _folder.PathOf("reference");
        var outcome = await PairDataset.WriteAsync(reference, clips, options, Ct);

        foreach (var seed in new[] { 1, 2, 3 })
        {
            var shuffled = clips.ToArray();
            new Random(seed).Shuffle(shuffled);
            var folder = _folder.PathOf($"shuffled-{seed}");

            await PairDataset.WriteAsync(folder, shuffled, options, Ct);

            foreach (var name in PairDataset.FileNames)
            {
                var expected = await File.ReadAllBytesAsync(Path.Combine(reference, name), Ct);
                var written = await File.ReadAllBytesAsync(Path.Combine(folder, name), Ct);
                Assert.True(expected.AsSpan().SequenceEqual(written), $"{name} changed with the input order (seed {seed})");
            }
        }

        Assert.NotEmpty(outcome.Dropped);
        Assert.Equal(300, outcome.Train + outcome.Dropped.Count + outcome.Validation + outcome.Test);
    }

    [Fact]
    public async Task Balanced_out_clips_stay_in_splits_csv_marked_with_why_and_out_of_train_jsonl()
    {
        // Everything trains; Energetic is on 6 of 10 clips and may be on half, so two Energetic clips go.
        List<ClipPair> clips =
        [
            .. Enumerable.Range(0, 5).Select(i => Clip($"e{i}", 120, "Energetic", "Drums")),
            Clip("weird,\"id\"", 128, "Energetic"),
            .. Enumerable.Range(0, 4).Select(i => Clip($"c{i}", 70, "Calm")),
        ];
        var folder = _folder.PathOf("balanced");

        var outcome = await PairDataset.WriteAsync(folder, clips, new PairOptions(new SplitRatios(0, 0), "s", new BalanceOptions(MaxTagShare: 0.5)), Ct);

        var csv = await File.ReadAllTextAsync(Path.Combine(folder, "splits.csv"), Ct);
        var lines = csv.Split('\n');
        Assert.Equal("clip_id,split,kept,note", lines[0]);
        Assert.Equal(12, lines.Length);
        Assert.Equal("", lines[^1]);
        Assert.Equal(["c0", "c1", "c2", "c3", "e0", "e1", "e2", "e3", "e4", "\"weird,\"\"id\"\"\""], lines[1..^1].Select(l => l[..l.IndexOf(",train,", StringComparison.Ordinal)]));
        var dropped = lines.Where(l => l.Contains(",train,false,", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, dropped.Count);
        Assert.All(dropped, l => Assert.EndsWith(",train,false,tag 'Energetic' above 50% of training clips", l, StringComparison.Ordinal));
        Assert.Equal(8, lines.Count(l => l.EndsWith(",train,true,", StringComparison.Ordinal)));

        var train = new List<IReadOnlyList<ChatMessage>>();
        await foreach (var conversation in ChatJsonl.ReadAsync(Path.Combine(folder, "train.jsonl"), Ct))
        {
            train.Add(conversation);
        }

        Assert.Equal(8, train.Count);
        Assert.Equal((8, 0, 0, 2), (outcome.Train, outcome.Validation, outcome.Test, outcome.Dropped.Count));
        Assert.Equal(
            clips.Select(c => c.Description).Except(outcome.Dropped.Select(d => d.Pair.Description)).Order(StringComparer.Ordinal),
            train.Select(c => c[1].Content));
        Assert.Empty(await File.ReadAllTextAsync(Path.Combine(folder, "validation.jsonl"), Ct));
    }

    [Fact]
    public async Task The_statistics_file_is_what_the_outcome_says()
    {
        var folder = _folder.PathOf("stats");
        var options = new PairOptions(new SplitRatios(0.2, 0.2), "stats", new BalanceOptions(MaxTagShare: 0.4));

        var outcome = await PairDataset.WriteAsync(folder, BalancerTests.Skewed(6, 200), options, Ct);

        var json = await File.ReadAllTextAsync(Path.Combine(folder, "statistics.json"), Ct);
        Assert.Equal(outcome.Statistics.ToJson(), json);
        var read = DatasetStatistics.FromJson(json);
        Assert.Equal((200, outcome.Train, outcome.Validation, outcome.Test, outcome.Dropped.Count), (read.Clips, read.TrainKept, read.Validation, read.Test, read.BalancedOut));
        Assert.Equal(read.Train, read.TrainKept + read.BalancedOut);
        Assert.Equal(outcome.Train, read.BalancedTrain.Clips);
        Assert.All(read.BalancedTrain.TagFrequencies, t => Assert.True(t.Clips <= 0.4 * read.TrainKept, $"{t.Tag} above the cap"));
    }

    [Fact]
    public async Task A_repeated_clip_id_is_refused_by_name_before_anything_is_written()
    {
        var folder = _folder.PathOf("never");
        List<ClipPair> clips = [Clip("a", 90, "Piano"), Clip("twice", 100, "Rock"), Clip("b", 90, "Piano"), Clip("twice", 120, "Pop")];

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            PairDataset.WriteAsync(folder, clips, new PairOptions(new SplitRatios(), "s", new BalanceOptions()), Ct));

        Assert.Contains("'twice'", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Writing_again_replaces_every_file()
    {
        var folder = _folder.PathOf("again");
        var options = new PairOptions(GoldenClips.Ratios, GoldenClips.Salt, new BalanceOptions());
        await PairDataset.WriteAsync(folder, BalancerTests.Skewed(7, 100), options, Ct);

        await PairDataset.WriteAsync(folder, GoldenClips.All, options, Ct);

        Assert.Equal(GoldenClips.Bytes("train.jsonl"), await File.ReadAllBytesAsync(Path.Combine(folder, "train.jsonl"), Ct));
        Assert.Equal(GoldenClips.Bytes("splits.csv"), await File.ReadAllBytesAsync(Path.Combine(folder, "splits.csv"), Ct));
        Assert.Equal(PairDataset.FileNames.Count, Directory.GetFiles(folder).Length);
    }
}
