using Sonique.Dataset.Pairs;
using Sonique.Media.Clips;

namespace Sonique.Dataset.Tests.Pairs;

/// <summary>Balancing: known answers on small hand-made sets, the caps met and nothing needlessly dropped on random
/// ones, the same result whatever the input order, and caps that cannot be met reported instead of emptying the set.</summary>
public sealed class BalancerTests
{
    private static ClipPair Clip(string id, int? bpm, params string[] tags)
    {
        string[] parts = bpm is null ? tags : [.. tags, $"{bpm} BPM"];
        return new ClipPair(ClipId.Parse(id), $"scene {id}", string.Join(", ", parts), tags, bpm);
    }

    /// <summary><paramref name="count"/> clips named prefix0, prefix1, ... with the same tags and tempo.</summary>
    private static IEnumerable<ClipPair> Clips(string prefix, int count, int? bpm, params string[] tags) =>
        Enumerable.Range(0, count).Select(i => Clip($"{prefix}{i}", bpm, tags));

    private static List<string> Ids(IEnumerable<ClipPair> pairs) => [.. pairs.Select(p => p.ClipId.Value)];

    [Fact]
    public void Without_caps_every_clip_is_kept_in_clip_id_order()
    {
        List<ClipPair> train = [.. Clips("b", 3, 120, "Energetic"), .. Clips("a", 3, 120, "Energetic")];

        var result = Balancer.Apply(train, new BalanceOptions());

        Assert.Equal(["a0", "a1", "a2", "b0", "b1", "b2"], Ids(result.Kept));
        Assert.Empty(result.Dropped);
        Assert.True(result.CapsMet);
    }

    [Fact]
    public void A_tag_above_its_cap_loses_just_enough_clips()
    {
        // Energetic and Drums on the same 6 of 10: at most half means 4 of 8, so exactly 2 go, both Energetic.
        List<ClipPair> train = [.. Clips("e", 6, 120, "Energetic", "Drums"), .. Clips("c", 4, 80, "Calm", "Piano")];

        var result = Balancer.Apply(train, new BalanceOptions(MaxTagShare: 0.5));

        Assert.Equal(2, result.Dropped.Count);
        Assert.All(result.Dropped, d => Assert.StartsWith("e", d.Pair.ClipId.Value, StringComparison.Ordinal));
        Assert.All(result.Dropped, d => Assert.Equal("tag 'Drums' above 50% of training clips; tag 'Energetic' above 50% of training clips", d.Reason));
        Assert.Equal(8, result.Kept.Count);
        Assert.Empty(result.Unmet);
    }

    [Fact]
    public void Clips_with_two_over_represented_tags_go_first()
    {
        // A on 6 of 10 and B on 6 of 10, 4 clips with both: dropping 2 of those 4 meets both caps (4 of 8 each).
        List<ClipPair> train =
        [
            .. Clips("ab", 4, null, "A", "B"), .. Clips("a", 2, null, "A"), .. Clips("b", 2, null, "B"), .. Clips("n", 2, null, "N"),
        ];

        var result = Balancer.Apply(train, new BalanceOptions(MaxTagShare: 0.5));

        Assert.Equal(2, result.Dropped.Count);
        Assert.All(result.Dropped, d => Assert.Equal("tag 'A' above 50% of training clips; tag 'B' above 50% of training clips", d.Reason));
        Assert.All(result.Dropped, d => Assert.StartsWith("ab", d.Pair.ClipId.Value, StringComparison.Ordinal));
    }

    [Fact]
    public void A_tempo_band_above_its_cap_loses_just_enough_clips_counting_clips_without_tempo()
    {
        // Band 120-139 holds 6 of 10. At most 40%: k <= 0.4 (4 + k) gives k = 2, so 4 go. Band 100-119 then holds 2 of 6 (33%).
        List<ClipPair> train =
        [
            Clip("t120", 120, "X"), Clip("t121", 121, "X"), Clip("t125", 125, "X"), Clip("t130", 130, "X"), Clip("t135", 135, "X"), Clip("t139", 139, "X"),
            Clip("t090", 90, "X"), Clip("t100", 100, "X"), Clip("t105", 105, "X"), Clip("none", null, "X"),
        ];

        var result = Balancer.Apply(train, new BalanceOptions(MaxTempoBandShare: 0.4));

        Assert.Equal(4, result.Dropped.Count);
        Assert.All(result.Dropped, d => Assert.InRange(d.Pair.TempoBpm!.Value, 120, 139));
        Assert.All(result.Dropped, d => Assert.Equal("tempo 120-139 BPM above 40% of training clips", d.Reason));
        Assert.Contains("none", Ids(result.Kept));
        Assert.Equal(6, result.Kept.Count);
    }

    [Fact]
    public void Tag_and_tempo_caps_are_met_together_on_skewed_data_and_no_dropped_clip_could_come_back()
    {
        foreach (var seed in new[] { 1, 2, 3, 4, 5 })
        {
            var train = Skewed(seed, 400);
            var options = new BalanceOptions(MaxTagShare: 0.4, MaxTempoBandShare: 0.35);

            var result = Balancer.Apply(train, options);

            Assert.True(result.CapsMet, string.Join(" | ", result.Unmet));
            Assert.Equal(Ids(train).Order(StringComparer.Ordinal), Ids([.. result.Kept, .. result.Dropped.Select(d => d.Pair)]).Order(StringComparer.Ordinal));
            Assert.True(MeetsCaps(result.Kept, options));
            Assert.InRange(result.Kept.Count, 100, 399);
            foreach (var dropped in result.Dropped)
            {
                Assert.False(MeetsCaps([.. result.Kept, dropped.Pair], options), $"{dropped.Pair.ClipId} could have been kept");
                Assert.Contains("above", dropped.Reason, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void The_result_does_not_depend_on_the_input_order()
    {
        var train = Skewed(9, 300);
        var options = new BalanceOptions(MaxTagShare: 0.25, MaxTempoBandShare: 0.3, TempoBandWidth: 10);
        var expected = Balancer.Apply(train, options);

        foreach (var seed in Enumerable.Range(0, 5))
        {
            var shuffled = train.ToArray();
            new Random(seed).Shuffle(shuffled);

            var result = Balancer.Apply(shuffled, options);

            Assert.Equal(Ids(expected.Kept), Ids(result.Kept));
            Assert.Equal(expected.Dropped, result.Dropped);
        }

        Assert.NotEmpty(expected.Dropped);
    }

    [Fact]
    public void A_tag_on_every_clip_is_reported_and_the_other_caps_still_hold()
    {
        List<ClipPair> train = [.. Clips("e", 6, 120, "Music", "Energetic"), .. Clips("c", 4, 80, "Music", "Calm")];

        var result = Balancer.Apply(train, new BalanceOptions(MaxTagShare: 0.5));

        var unmet = Assert.Single(result.Unmet);
        Assert.Equal("tag 'Music' is on every training clip, so no non-empty set holds it to 50%", unmet);
        Assert.False(result.CapsMet);
        Assert.Equal(2, result.Dropped.Count);
        Assert.All(result.Dropped, d => Assert.Equal("tag 'Energetic' above 50% of training clips", d.Reason));
    }

    [Fact]
    public void Caps_that_cannot_hold_together_are_reported_and_nothing_is_dropped()
    {
        // Every clip is A or B, so A and B cannot both be at most 40% of any non-empty set.
        List<ClipPair> train = [.. Clips("a", 5, null, "A"), .. Clips("b", 5, null, "B")];

        var result = Balancer.Apply(train, new BalanceOptions(MaxTagShare: 0.4));

        Assert.Equal(10, result.Kept.Count);
        Assert.Empty(result.Dropped);
        var unmet = Assert.Single(result.Unmet);
        Assert.Contains("cannot be met together without emptying the training set", unmet, StringComparison.Ordinal);
        Assert.Contains("tag 'A' (50%)", unmet, StringComparison.Ordinal);
        Assert.Contains("tag 'B' (50%)", unmet, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_tempo_bands_for_the_band_cap_are_reported_and_the_tag_cap_still_holds()
    {
        // Two bands can never each be at most 30%; the tag cap is still met.
        List<ClipPair> train = [.. Clips("f", 6, 125, "Energetic"), .. Clips("s", 4, 85, "Calm")];

        var result = Balancer.Apply(train, new BalanceOptions(MaxTagShare: 0.5, MaxTempoBandShare: 0.3));

        var unmet = Assert.Single(result.Unmet);
        Assert.Equal("the training clips' tempos fall in only 2 band(s) of 20 BPM, so no band can be held to 30%", unmet);
        Assert.Equal(2, result.Dropped.Count);
        Assert.All(result.Dropped, d => Assert.Equal("tag 'Energetic' above 50% of training clips", d.Reason));
    }

    [Fact]
    public void A_cap_of_one_and_an_empty_set_drop_nothing()
    {
        Assert.Empty(Balancer.Apply(Skewed(3, 50), new BalanceOptions(1, 1)).Dropped);

        var empty = Balancer.Apply([], new BalanceOptions(0.1, 0.1));

        Assert.Empty(empty.Kept);
        Assert.True(empty.CapsMet);
    }

    [Theory]
    [InlineData(0.0, null, 20)]
    [InlineData(1.5, null, 20)]
    [InlineData(double.NaN, null, 20)]
    [InlineData(null, -0.2, 20)]
    [InlineData(null, 0.5, 0)]
    public void Options_out_of_range_are_refused(double? tag, double? band, int width) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Balancer.Apply([], new BalanceOptions(tag, band, width)));

    [Fact]
    public void A_repeated_clip_id_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => Balancer.Apply([Clip("same", 90, "A"), Clip("same", 100, "B")], new BalanceOptions()));

        Assert.Contains("'same'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tempo_bands_are_floored_multiples_of_the_width()
    {
        var options = new BalanceOptions(TempoBandWidth: 20);

        Assert.Equal([0, 0, 20, 120, 120, 140, -20], new[] { 0, 19, 20, 120, 139, 140, -1 }.Select(options.TempoBandOf));
        Assert.Equal("120-139 BPM", options.TempoBandName(120));
    }

    /// <summary>Clips whose tags follow a steep power law (a few tags on most clips) and whose tempos crowd around 120.</summary>
    internal static List<ClipPair> Skewed(int seed, int count)
    {
        var random = new Random(seed);
        string[] vocabulary = ["Energetic", "Drums", "Pop", "Synth", "Upbeat", "Piano", "Calm", "Rock", "Bass", "Strings", "Ambient", "Jazz", "Dark", "Flute", "Choir"];
        var clips = new List<ClipPair>();
        for (var i = 0; i < count; i++)
        {
            var tags = vocabulary.Where((_, rank) => random.NextDouble() < 0.7 / (1 + (rank * 0.6))).ToArray();
            int? bpm = random.Next(10) == 0 ? null : 120 + (random.NextDouble() < 0.6 ? random.Next(-8, 9) : random.Next(-50, 60));
            clips.Add(Clip($"clip-{seed}-{i:D4}", bpm, tags));
        }

        return clips;
    }

    private static bool MeetsCaps(IReadOnlyList<ClipPair> kept, BalanceOptions options)
    {
        var n = kept.Count;
        var tagsOk = options.MaxTagShare is not { } tagShare
            || kept.SelectMany(c => c.TagList.Distinct()).GroupBy(t => t).All(g => g.Count() <= (tagShare * n) + 1e-9);
        var bandsOk = options.MaxTempoBandShare is not { } bandShare
            || kept.Where(c => c.TempoBpm is not null).GroupBy(c => options.TempoBandOf(c.TempoBpm!.Value)).All(g => g.Count() <= (bandShare * n) + 1e-9);
        return tagsOk && bandsOk;
    }
}
