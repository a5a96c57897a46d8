using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Evaluation;

namespace Sonique.Analysis.Tests.Evaluation;

/// <summary>The corpus itself: deterministic, two separate halves, the spread of music it promises.</summary>
public sealed class EvaluationCorpusTests
{
    [Fact]
    public void The_halves_hold_at_least_32_clips_each_with_no_clip_in_both()
    {
        Assert.True(EvaluationCorpus.Development.Count >= 32);
        Assert.True(EvaluationCorpus.HeldOut.Count >= 32);
        Assert.Empty(EvaluationCorpus.Development.Select(c => c.Id).Intersect(EvaluationCorpus.HeldOut.Select(c => c.Id)));
        Assert.Empty(EvaluationCorpus.Development.Select(c => c.Seed).Intersect(EvaluationCorpus.HeldOut.Select(c => c.Seed)));
    }

    [Fact]
    public void Each_half_has_every_style_tempos_from_60_to_200_and_clips_with_no_third()
    {
        foreach (var half in (IReadOnlyList<EvaluationClip>[])[EvaluationCorpus.Development, EvaluationCorpus.HeldOut])
        {
            Assert.Equal(Enum.GetValues<EvaluationStyle>().Order(), half.Select(c => c.Style).Distinct().Order());
            Assert.All(half, c => Assert.InRange(c.TempoBpm, 60, 200));
            Assert.Contains(half, c => c.Third == Third.None);
            Assert.Contains(half, c => c.Third == Third.Major);
            Assert.Contains(half, c => c.Third == Third.Minor);
        }
    }

    [Fact]
    public async Task A_clip_is_written_the_same_bytes_every_time()
    {
        using var folder = new TempFolder();
        var clip = EvaluationCorpus.HeldOut.First(c => c.Style == EvaluationStyle.ReverbPiano);

        var first = await EvaluationCorpus.WriteAsync([clip], folder.PathOf("a"), TestContext.Current.CancellationToken);
        var second = await EvaluationCorpus.WriteAsync([clip], folder.PathOf("b"), TestContext.Current.CancellationToken);

        var bytes = await File.ReadAllBytesAsync(first[0], TestContext.Current.CancellationToken);
        Assert.Equal(44 + (2 * (int)(EvaluationCorpus.Seconds * EvaluationCorpus.SampleRate)), bytes.Length);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(second[0], TestContext.Current.CancellationToken));
        Assert.Contains(bytes.Skip(44), b => b != 0);
    }
}
