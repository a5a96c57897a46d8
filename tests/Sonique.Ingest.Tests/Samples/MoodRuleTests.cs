using System.Text.RegularExpressions;
using Sonique.Ingest.Samples;

namespace Sonique.Ingest.Tests.Samples;

public sealed class MoodRuleTests
{
    [Fact]
    public void Every_mood_has_one_row_found_by_its_mood()
    {
        Assert.Equal(Enum.GetValues<Mood>(), MoodRule.All.Select(p => p.Mood));
        Assert.All(Enum.GetValues<Mood>(), mood => Assert.Equal(mood, MoodRule.Of(mood).Mood));
    }

    [Fact]
    public void Ranges_are_ordered_and_shot_lengths_whole_quarter_seconds()
    {
        Assert.All(MoodRule.All, p =>
        {
            Assert.InRange(p.MinBpm, 40, p.MaxBpm);
            Assert.InRange(p.MinShotSeconds, SampleLibrary.ShotQuantumSeconds, p.MaxShotSeconds);
            Assert.Equal(0, p.MinShotSeconds % SampleLibrary.ShotQuantumSeconds);
            Assert.Equal(0, p.MaxShotSeconds % SampleLibrary.ShotQuantumSeconds);
            Assert.True(p.RotationPerSecond > 0);
        });
    }

    [Fact]
    public void Palettes_hold_four_named_colours_and_words_are_there_to_draw_from()
    {
        Assert.All(MoodRule.All, p =>
        {
            Assert.Equal(4, p.Palette.Count);
            Assert.All(p.Palette, c => Assert.Matches("^#[0-9A-F]{6}$", c.Hex));
            Assert.Equal(p.Palette.Count, p.Palette.Select(c => c.Name).Distinct().Count());
            Assert.True(p.MoodWords.Count >= 2);
            Assert.NotEmpty(p.Instruments);
            Assert.NotEmpty(p.TitleFirstWords);
            Assert.NotEmpty(p.TitleSecondWords);
        });
    }

    [Fact]
    public void Rhythms_are_one_bar_of_sixteenths_in_the_letters_the_synthesiser_reads()
    {
        Assert.All(MoodRule.All, p =>
        {
            Assert.Single(p.Arrangement.Parts, part => part.Role == PartRole.Drone);
            Assert.Contains(p.Arrangement.Parts, part => part.Role == PartRole.Bass);
            Assert.Contains(p.Arrangement.Parts, part => part.Role == PartRole.Chord);
            Assert.Contains(p.Arrangement.Drums, drum => drum.Drum == Drum.Kick);
            Assert.All(p.Arrangement.Parts, part =>
                Assert.Matches(part.Role == PartRole.Bass ? "^[xo5.][xo5.-]{15}$" : "^[x.][x.-]{15}$", part.Rhythm));
            Assert.All(p.Arrangement.Drums, drum => Assert.Matches("^[xo.]{16}$", drum.Rhythm));
            Assert.All(p.Arrangement.Parts.Select(part => part.Rhythm).Concat(p.Arrangement.Drums.Select(d => d.Rhythm)),
                rhythm => Assert.DoesNotMatch(new Regex("\\.-"), rhythm));
        });
    }
}
