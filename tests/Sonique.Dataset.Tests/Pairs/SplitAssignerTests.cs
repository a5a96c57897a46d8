using Sonique.Dataset.Pairs;

namespace Sonique.Dataset.Tests.Pairs;

/// <summary>The split comes from each clip's id and the salt alone: stable as clips are added, near the ratios, and the
/// same as Python's hashlib computes it.</summary>
public sealed class SplitAssignerTests
{
    private static string Id(int i) => $"clip-{i:D5}";

    [Fact]
    public void Adding_clips_never_moves_a_clip_already_assigned()
    {
        var before = new SplitAssigner(new SplitRatios(), "s1");
        var first = Enumerable.Range(0, 500).Select(i => before.Assign(Id(i))).ToList();

        var after = new SplitAssigner(new SplitRatios(), "s1");
        var all = Enumerable.Range(0, 1000).Reverse().Select(i => (i, after.Assign(Id(i)))).OrderBy(x => x.i).Select(x => x.Item2).ToList();

        Assert.Equal(first, all.Take(500));
        Assert.Contains(DatasetSplit.Test, first);
        Assert.Contains(DatasetSplit.Validation, first);
    }

    [Theory]
    [InlineData(0.1, 0.1)]
    [InlineData(0.2, 0.05)]
    [InlineData(0.0, 0.3)]
    public void The_ratios_hold_within_two_percent_on_ten_thousand_clips(double validation, double test)
    {
        var assigner = new SplitAssigner(new SplitRatios(validation, test), "ratios");

        var splits = Enumerable.Range(0, 10_000).Select(i => assigner.Assign(Id(i))).ToList();

        Assert.InRange(splits.Count(s => s == DatasetSplit.Validation) / 10_000.0, validation - 0.02, validation + 0.02);
        Assert.InRange(splits.Count(s => s == DatasetSplit.Test) / 10_000.0, test - 0.02, test + 0.02);
        Assert.InRange(splits.Count(s => s == DatasetSplit.Train) / 10_000.0, 1 - validation - test - 0.02, 1 - validation - test + 0.02);
    }

    [Fact]
    public void Another_salt_draws_another_split()
    {
        var a = new SplitAssigner(new SplitRatios(0.2, 0.2), "salt-a");
        var b = new SplitAssigner(new SplitRatios(0.2, 0.2), "salt-b");

        var moved = Enumerable.Range(0, 2000).Count(i => a.Assign(Id(i)) != b.Assign(Id(i)));

        // Independent draws put a clip elsewhere with probability 1 - (0.6² + 0.2² + 0.2²) = 0.56.
        Assert.InRange(moved, 2000 * 0.45, 2000 * 0.67);
    }

    [Fact]
    public async Task The_split_is_the_one_pythons_hashlib_computes()
    {
        var assigner = new SplitAssigner(GoldenClips.Ratios, GoldenClips.Salt);
        var rows = (await File.ReadAllLinesAsync(GoldenClips.PathOf("splits.csv"), TestContext.Current.CancellationToken)).Skip(1).Select(l => l.Split(','));

        foreach (var row in rows)
        {
            Assert.Equal(row[1], assigner.Assign(row[0]).ToString().ToLowerInvariant());
        }
    }

    [Fact]
    public void With_no_held_out_share_every_clip_trains()
    {
        var assigner = new SplitAssigner(new SplitRatios(0, 0), "");

        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(DatasetSplit.Train, assigner.Assign(Id(i))));
    }

    [Theory]
    [InlineData(-0.1, 0.1)]
    [InlineData(0.1, -0.1)]
    [InlineData(1.0, 0.0)]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.7, 0.4)]
    [InlineData(double.NaN, 0.1)]
    [InlineData(0.1, double.PositiveInfinity)]
    public void Ratios_out_of_range_are_refused(double validation, double test) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SplitAssigner(new SplitRatios(validation, test), "s"));
}
