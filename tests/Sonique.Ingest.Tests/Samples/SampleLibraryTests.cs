using Sonique.Ingest.Samples;
using Sonique.Media.Music;

namespace Sonique.Ingest.Tests.Samples;

public sealed class SampleLibraryTests
{
    [Fact]
    public void A_longer_plan_keeps_every_clip_of_a_shorter_one()
    {
        var shorter = SampleLibrary.Plan(7, 10, 16);
        var longer = SampleLibrary.Plan(7, 15, 16);

        Assert.Equal(15, longer.Count);
        Assert.Equal(shorter.Select(Everything), longer.Take(10).Select(Everything));
    }

    [Fact]
    public void The_same_seed_plans_the_same_library_and_another_seed_another()
    {
        var plan = SampleLibrary.Plan(7, 20, 16).Select(Everything).ToArray();

        Assert.Equal(plan, SampleLibrary.Plan(7, 20, 16).Select(Everything));
        Assert.NotEqual(plan, SampleLibrary.Plan(8, 20, 16).Select(Everything));
    }

    [Fact]
    public void Ids_count_from_one_in_four_digits()
    {
        var plan = SampleLibrary.Plan(1, 12, 4);

        Assert.Equal("sample-0001", plan[0].Id);
        Assert.Equal("sample-0012", plan[11].Id);
        Assert.Equal(Enumerable.Range(1, 12), plan.Select(c => c.Number));
    }

    [Fact]
    public void Changing_the_clip_length_changes_only_the_shots()
    {
        var full = SampleLibrary.Plan(3, 30, 16);
        var short_ = SampleLibrary.Plan(3, 30, 8);

        static string Music(SampleClip c) => $"{c.Mood} {c.TempoBpm} {c.Key} {c.Title} {string.Join(',', c.Colours)} {string.Join(',', c.Tags)}";
        Assert.Equal(full.Select(Music), short_.Select(Music));
    }

    [Fact]
    public void Every_clip_of_a_large_plan_follows_the_mood_rule()
    {
        var plan = SampleLibrary.Plan(2024, 200, 16);

        Assert.All(plan, clip =>
        {
            var rule = MoodRule.Of(clip.Mood);
            Assert.InRange(clip.TempoBpm, rule.MinBpm, rule.MaxBpm);
            Assert.Equal(rule.Mode, clip.Key.Mode);
            Assert.Equal(3, clip.Colours.Count);
            Assert.Subset(rule.Palette.ToHashSet(), clip.Colours.ToHashSet());
            Assert.Contains(rule.TitleFirstWords, w => clip.Title.StartsWith(w + " ", StringComparison.Ordinal));
            Assert.Contains(rule.TitleSecondWords, w => clip.Title.EndsWith(" " + w, StringComparison.Ordinal));
            Assert.Equal(rule.Genre, clip.Tags[0]);
            Assert.Equal($"{clip.TempoBpm} BPM", clip.Tags[^1]);
            Assert.Equal(clip.Key.Mode == Mode.Major ? "Major Key" : "Minor Key", clip.Tags[^2]);
            Assert.Subset(rule.Instruments.Concat(rule.MoodWords).Append(rule.Genre).Append(clip.Tags[^2]).Append(clip.Tags[^1]).ToHashSet(), clip.Tags.ToHashSet());
        });
        // With 200 draws over six moods, a missing mood would mean the draw is broken, not unlucky.
        Assert.Equal(Enum.GetValues<Mood>().Order(), plan.Select(c => c.Mood).Distinct().Order());
        Assert.Equal(12, plan.Select(c => c.Key.Root).Distinct().Count());
    }

    [Fact]
    public void Shots_fill_the_clip_in_lengths_from_the_mood_and_cut_where_they_start()
    {
        foreach (var clip in SampleLibrary.Plan(2024, 200, 16))
        {
            var rule = clip.Profile;
            Assert.Equal(clip.Seconds, clip.Shots.Sum(s => s.Seconds), 9);
            Assert.Equal(0, clip.Shots[0].StartSeconds);
            for (var i = 0; i < clip.Shots.Count; i++)
            {
                var shot = clip.Shots[i];
                Assert.InRange(shot.Seconds, i == clip.Shots.Count - 1 ? double.Epsilon : rule.MinShotSeconds, rule.MaxShotSeconds);
                Assert.InRange(shot.Colours.Count, 2, 3);
                Assert.All(shot.Colours, hex => Assert.Matches("^#[0-9A-F]{6}$", hex));
                if (i > 0)
                {
                    Assert.Equal(clip.Shots[i - 1].StartSeconds + clip.Shots[i - 1].Seconds, shot.StartSeconds, 9);
                    Assert.NotEqual(clip.Shots[i - 1].GradientType, shot.GradientType);
                }

                if (i < clip.Shots.Count - 1)
                {
                    Assert.Equal(0, shot.Seconds % SampleLibrary.ShotQuantumSeconds);
                }
            }

            Assert.Equal(clip.Shots.Skip(1).Select(s => s.StartSeconds), clip.CutTimes);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_clip_must_last_a_positive_finite_time(double seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleLibrary.Plan(1, 1, seconds));

    /// <summary>Every field of a planned clip, the shots' colours and seeds included, as one comparable string.</summary>
    private static string Everything(SampleClip clip) =>
        $"{clip.Seed} {SampleTruth.Of(clip).ToJson()} {SampleVideo.FilterGraph(clip, SampleVideoFormat.Default)}";
}
