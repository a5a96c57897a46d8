using Sonique.Ingest.Samples;
using Sonique.Media;
using Sonique.Tests.Shared;

namespace Sonique.Analysis.Tests.Features;

/// <summary>Four clips of each mood from the default sample library (seed 1, 16 s), written as the
/// SampleLibrary stage writes them: what the describer is checked on.</summary>
public sealed class SampleVideoSet : IAsyncLifetime
{
    public const int PerMood = 4;

    private readonly TempFolder _folder = new();

    public IReadOnlyList<(SampleClip Clip, string Path)> Clips { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var plan = SampleLibrary.Plan(SampleMusicSet.Seed, SampleMusicSet.Count, SampleMusicSet.Seconds)
            .GroupBy(c => c.Mood)
            .SelectMany(g => g.Take(PerMood))
            .ToList();
        var writer = new SampleClipWriter(new Ffmpeg());
        var clips = new (SampleClip, string)[plan.Count];
        await Parallel.ForAsync(0, plan.Count, async (i, ct) =>
        {
            var path = _folder.PathOf($"{plan[i].Id}.mp4");
            await writer.WriteAsync(plan[i], path, _folder.PathOf($"{plan[i].Id}.json"), ct);
            clips[i] = (plan[i], path);
        });
        Clips = clips;
    }

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
