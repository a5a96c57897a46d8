using Sonique.Ingest.Samples;
using Sonique.Tests.Shared;

namespace Sonique.Analysis.Tests.Features;

/// <summary>
/// The default sample library's music (seed 1, 200 clips of 16 s, as `./build.sh` makes it) written once as
/// 16-bit 44.1 kHz WAV files, with each clip's ground truth: what the analysers' accuracy is measured on.
/// </summary>
public sealed class SampleMusicSet : IAsyncLifetime
{
    public const int Seed = 1;
    public const int Count = 200;
    public const double Seconds = 16;

    private readonly TempFolder _folder = new();

    public IReadOnlyList<(SampleClip Clip, string Path)> Clips { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var plan = SampleLibrary.Plan(Seed, Count, Seconds);
        var clips = new (SampleClip, string)[plan.Count];
        await Parallel.ForAsync(0, plan.Count, async (i, ct) =>
        {
            var path = _folder.PathOf($"{plan[i].Id}.wav");
            await SampleMusic.Render(plan[i], ct).WriteWavAsync(path, ct);
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
