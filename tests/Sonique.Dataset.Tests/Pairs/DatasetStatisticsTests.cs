using System.Text.Json;
using Sonique.Dataset.Pairs;
using Sonique.Media.Clips;

namespace Sonique.Dataset.Tests.Pairs;

/// <summary>The statistics on a hand-made set whose every number is known, and their JSON form.</summary>
public sealed class DatasetStatisticsTests
{
    private static ClipPair Clip(string id, int? bpm, params string[] tags) => new(ClipId.Parse(id), "scene", "tags", tags, bpm);

    // Tag occurrences A 4, B 2, C 1, D 1 (8 in all): p = 1/2, 1/4, 1/8, 1/8, so H = 1.75 bits exactly.
    private static readonly ClipPair C1 = Clip("c1", 95, "A", "B", "C");
    private static readonly ClipPair C2 = Clip("c2", 99, "A", "B", "B");
    private static readonly ClipPair C3 = Clip("c3", 100, "A", "D");
    private static readonly ClipPair C4 = Clip("c4", 121, "A");
    private static readonly ClipPair C5 = Clip("c5", null);

    private static DatasetStatistics HandMade() => DatasetStatistics.Compute(
        [(C1, DatasetSplit.Train), (C2, DatasetSplit.Train), (C3, DatasetSplit.Validation), (C4, DatasetSplit.Test), (C5, DatasetSplit.Train)],
        [C1, C5],
        new BalanceOptions(MaxTagShare: 0.5, TempoBandWidth: 20),
        ["an unmet cap"]);

    [Fact]
    public void Split_and_balancing_counts()
    {
        var s = HandMade();

        Assert.Equal((5, 3, 1, 1, 1, 2), (s.Clips, s.Train, s.Validation, s.Test, s.BalancedOut, s.TrainKept));
        Assert.Equal((0.5, (double?)null, 20), (s.MaxTagShare, s.MaxTempoBandShare, s.TempoBandWidth));
        Assert.Equal(["an unmet cap"], s.UnmetCaps);
    }

    [Fact]
    public void Tag_frequencies_count_clips_once_per_tag_most_frequent_first()
    {
        var all = HandMade().All;

        Assert.Equal([new("A", 4), new("B", 2), new("C", 1), new TagCount("D", 1)], all.TagFrequencies);
        Assert.Equal([new("A", 4, 0.8), new("B", 2, 0.4), new("C", 1, 0.2), new TagShare("D", 1, 0.2)], all.TopTags);
        Assert.Equal((5, 4, 8), (all.Clips, all.DistinctTags, all.TagOccurrences));
        Assert.Equal(1.6, all.MeanTagsPerClip, 12);
    }

    [Fact]
    public void Concentration_is_entropy_in_bits_and_what_follows_from_it()
    {
        var c = HandMade().All.Concentration;

        Assert.Equal(1.75, c.EntropyBits, 12);
        Assert.Equal(0.875, c.NormalisedEntropy!.Value, 12);
        Assert.Equal(Math.Pow(2, 1.75), c.EffectiveTags, 12);
        Assert.Equal(1.0, c.Top10Share, 12);
    }

    [Fact]
    public void The_tempo_histogram_has_every_10_bpm_bin_from_lowest_to_highest_and_counts_clips_without_tempo_apart()
    {
        var all = HandMade().All;

        Assert.Equal([new(90, 2), new(100, 1), new(110, 0), new TempoBin(120, 1)], all.TempoHistogram);
        Assert.Equal(1, all.ClipsWithoutTempo);
        Assert.Equal([new(80, 99, 2, 0.4), new(100, 119, 1, 0.2), new TempoBandShare(120, 139, 1, 0.2)], all.TempoBands);
    }

    [Fact]
    public void The_balanced_training_set_is_described_on_its_own()
    {
        var train = HandMade().BalancedTrain;

        Assert.Equal(2, train.Clips);
        Assert.Equal([new("A", 1), new("B", 1), new TagCount("C", 1)], train.TagFrequencies);
        Assert.Equal(Math.Log2(3), train.Concentration.EntropyBits, 12);
        Assert.Equal(1.0, train.Concentration.NormalisedEntropy!.Value, 12);
        Assert.Equal(3.0, train.Concentration.EffectiveTags, 12);
        Assert.Equal([new TempoBin(90, 1)], train.TempoHistogram);
        Assert.Equal(1, train.ClipsWithoutTempo);
    }

    [Fact]
    public void The_top_ten_share_leaves_out_the_tail_and_ties_go_by_ordinal_name()
    {
        var clips = Enumerable.Range(0, 12).Select(i => Clip($"c{i}", 100, $"t{i:D2}")).Append(Clip("x", 100, "t11", "T11")).ToList();

        var s = ClipSetStatistics.Of(clips, 20);

        Assert.Equal(["t11", "T11", "t00", "t01"], s.TagFrequencies.Take(4).Select(t => t.Tag));
        Assert.Equal(11.0 / 14, s.Concentration.Top10Share, 12);
        Assert.Equal(10, s.TopTags.Count);
    }

    [Fact]
    public void Empty_and_single_tag_sets_have_no_undefined_numbers()
    {
        var empty = ClipSetStatistics.Of([], 20);
        var single = ClipSetStatistics.Of([Clip("a", null, "Piano"), Clip("b", null, "Piano")], 20);

        Assert.Equal((0.0, (double?)null, 0.0, 0.0, 0.0), (empty.Concentration.EntropyBits, empty.Concentration.NormalisedEntropy, empty.Concentration.EffectiveTags, empty.Concentration.Top10Share, empty.MeanTagsPerClip));
        Assert.Empty(empty.TempoHistogram);
        Assert.Equal((0.0, (double?)null, 1.0, 1.0), (single.Concentration.EntropyBits, single.Concentration.NormalisedEntropy, single.Concentration.EffectiveTags, single.Concentration.Top10Share));
        Assert.Empty(single.TempoBands);
    }

    [Fact]
    public void The_json_is_indented_snake_case_with_newline_ends_and_reads_back()
    {
        var json = HandMade().ToJson();

        Assert.DoesNotContain('\r', json);
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
        using (var document = JsonDocument.Parse(json))
        {
            var root = document.RootElement;
            Assert.Equal(3, root.GetProperty("train").GetInt32());
            Assert.Equal(2, root.GetProperty("train_kept").GetInt32());
            Assert.Equal(1, root.GetProperty("balanced_out").GetInt32());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("max_tempo_band_share").ValueKind);
            var all = root.GetProperty("all");
            Assert.Equal("A", all.GetProperty("tag_frequencies")[0].GetProperty("tag").GetString());
            Assert.Equal(0.8, all.GetProperty("top_tags")[0].GetProperty("share").GetDouble());
            Assert.Equal(1.75, all.GetProperty("concentration").GetProperty("entropy_bits").GetDouble());
            Assert.Equal(110, all.GetProperty("tempo_histogram")[2].GetProperty("lower_bpm").GetInt32());
            Assert.Equal(139, all.GetProperty("tempo_bands")[2].GetProperty("upper_bpm").GetInt32());
            Assert.Equal(1, root.GetProperty("balanced_train").GetProperty("clips_without_tempo").GetInt32());
        }

        Assert.Contains("\n  \"clips\": 5,\n", json, StringComparison.Ordinal);
        var back = DatasetStatistics.FromJson(json);
        Assert.Equal(json, back.ToJson());
    }
}
