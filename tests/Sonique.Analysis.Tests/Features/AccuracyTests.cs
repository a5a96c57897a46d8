using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Features;
using Sonique.Media;

namespace Sonique.Analysis.Tests.Features;

/// <summary>The bars of the analysis issue, on the whole default sample library: tempo within 2% (half and
/// double time are misses) for at least 95% of clips, key and mode for at least 90%.</summary>
[Collection(SampleMusicReaders.Name)]
[Trait("Tier", "Slow")] // measures all 200 sample clips, twice
public sealed class AccuracyTests(SampleMusicSet music)
{
    private readonly AudioReader _reader = new(new Ffmpeg());

    [Fact]
    public async Task Tempo_is_within_two_percent_for_at_least_95_percent_of_the_sample_library()
    {
        var estimates = await EachClipAsync(TempoEstimator.EstimateBpm);
        var misses = music.Clips.Zip(estimates)
            .Where(p => Math.Abs(p.Second - p.First.Clip.TempoBpm) > 0.02 * p.First.Clip.TempoBpm)
            .Select(p => $"{p.First.Clip.Id} ({p.First.Clip.Mood}): {p.Second:F1} for {p.First.Clip.TempoBpm}")
            .ToList();

        var hits = 1.0 - ((double)misses.Count / music.Clips.Count);
        TestContext.Current.SendDiagnosticMessage($"tempo within 2%: {hits:P1}; misses: {string.Join("; ", misses)}");
        Assert.True(hits >= 0.95, $"tempo within 2% for {hits:P1} of clips; misses: {string.Join("; ", misses)}");
    }

    [Fact]
    public async Task Key_and_mode_are_right_for_at_least_90_percent_of_the_sample_library()
    {
        var keys = await EachClipAsync(KeyEstimator.Estimate);
        var misses = music.Clips.Zip(keys)
            .Where(p => p.Second.ToString() != p.First.Clip.Key.ToString())
            .Select(p => $"{p.First.Clip.Id} ({p.First.Clip.Mood}): {p.Second} for {p.First.Clip.Key}")
            .ToList();

        var hits = 1.0 - ((double)misses.Count / music.Clips.Count);
        TestContext.Current.SendDiagnosticMessage($"key and mode: {hits:P1}; misses: {string.Join("; ", misses)}");
        Assert.True(hits >= 0.90, $"key and mode right for {hits:P1} of clips; misses: {string.Join("; ", misses)}");
    }

    private async Task<T[]> EachClipAsync<T>(Func<MonoAudio, T> measure)
    {
        var results = new T[music.Clips.Count];
        await Parallel.ForAsync(0, music.Clips.Count, TestContext.Current.CancellationToken, async (i, ct) =>
            results[i] = measure(await _reader.ReadAsync(music.Clips[i].Path, 22050, ct)));
        return results;
    }
}
