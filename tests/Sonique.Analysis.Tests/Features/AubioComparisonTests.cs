using System.Globalization;
using System.Text;
using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Features;
using Sonique.Media;
using Sonique.Tests.Shared;

namespace Sonique.Analysis.Tests.Features;

/// <summary>Debian's `aubio tempo` on the same clips as ours, reported side by side (bench/RESULTS.md keeps the
/// numbers). The bar is ours; aubio is the reference a user would reach for.</summary>
[Trait("Tier", "Tool")] // ffmpeg decodes the sample library and aubio measures it
[Collection(SampleMusicReaders.Name)]
public sealed class AubioComparisonTests(SampleMusicSet music)
{
    [Fact]
    public async Task Our_tempo_is_right_at_least_as_often_as_aubio_tempo_on_the_sample_library()
    {
        var reader = new AudioReader(new Ffmpeg());
        var ours = new double[music.Clips.Count];
        var aubio = new double[music.Clips.Count];
        await Parallel.ForAsync(0, music.Clips.Count, TestContext.Current.CancellationToken, async (i, ct) =>
        {
            var path = music.Clips[i].Path;
            ours[i] = TempoEstimator.EstimateBpm(await reader.ReadAsync(path, 22050, ct));
            var said = Encoding.UTF8.GetString(await ExternalTool.RunAsync("aubio", ["tempo", path], ct)).Trim();
            aubio[i] = double.Parse(said.Split(' ')[0], CultureInfo.InvariantCulture);
        });

        var truth = music.Clips.Select(c => (double)c.Clip.TempoBpm).ToArray();
        var (ourHits, aubioHits) = (TempoScore.WithinTwoPercent(ours, truth), TempoScore.WithinTwoPercent(aubio, truth));
        TestContext.Current.SendDiagnosticMessage(
            $"tempo within 2% on {truth.Length} clips: ours {ourHits:P1}, aubio {aubioHits:P1}; " +
            $"aubio at half or double time: {TempoScore.OctaveErrors(aubio, truth):P1}");

        Assert.All(aubio, bpm => Assert.InRange(bpm, 20, 400));
        Assert.True(ourHits >= aubioHits, $"ours {ourHits:P1} against aubio {aubioHits:P1}");
    }
}
