using Sonique.Analysis.Audio;
using Sonique.Media;
using Sonique.Tests.Shared;

namespace Sonique.Analysis.Tests.Features;

public sealed class AudioReaderTests
{
    [Trait("Tier", "Tool")] // ffmpeg writes and decodes the reference
    [Fact]
    public async Task A_pcm_wav_read_directly_matches_ffmpegs_own_decoding_halved_in_rate_by_averaging()
    {
        using var folder = new TempFolder();
        var wav = folder.PathOf("tone.wav");
        var raw = folder.PathOf("tone.flac");
        await ExternalTool.RunAsync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=2:sample_rate=44100", "-c:a", "pcm_s16le", wav], TestContext.Current.CancellationToken);
        await ExternalTool.RunAsync("ffmpeg", ["-v", "error", "-i", wav, raw], TestContext.Current.CancellationToken);
        var reader = new AudioReader(new Ffmpeg());

        var direct = await reader.ReadAsync(wav, 44100, TestContext.Current.CancellationToken);
        var decoded = await reader.ReadAsync(raw, 44100, TestContext.Current.CancellationToken);

        Assert.Equal(88200, direct.Samples.Length);
        Assert.Equal(decoded.Samples.Length, direct.Samples.Length);
        Assert.All(Enumerable.Range(0, direct.Samples.Length), i => Assert.InRange(direct.Samples[i] - decoded.Samples[i], -1e-4f, 1e-4f));

        var halved = await reader.ReadAsync(wav, 22050, TestContext.Current.CancellationToken);
        Assert.Equal(44100, halved.Samples.Length);
        Assert.All(Enumerable.Range(0, halved.Samples.Length), i => Assert.Equal((direct.Samples[2 * i] + direct.Samples[(2 * i) + 1]) / 2, halved.Samples[i], 1e-6f));
    }

    [Trait("Tier", "Tool")] // ffmpeg writes the WAV and decodes the FLAC
    [Fact]
    public async Task Reading_for_a_model_gives_the_analysis_rate_exactly_as_a_plain_read_and_the_model_rate_resampled()
    {
        using var folder = new TempFolder();
        var wav = folder.PathOf("tone.wav");
        var flac = folder.PathOf("tone.flac");
        await ExternalTool.RunAsync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=2:sample_rate=44100", "-ac", "2", "-c:a", "pcm_s16le", wav], TestContext.Current.CancellationToken);
        await ExternalTool.RunAsync("ffmpeg", ["-v", "error", "-i", wav, flac], TestContext.Current.CancellationToken);
        var reader = new AudioReader(new Ffmpeg());

        foreach (var clip in new[] { wav, flac })
        {
            var (analysis, model) = await reader.ReadForModelAsync(clip, 22050, 16000, TestContext.Current.CancellationToken);

            // The tempo reads what it read before, to the bit; the model gets its rate from the best audio read.
            Assert.Equal((await reader.ReadAsync(clip, 22050, TestContext.Current.CancellationToken)).Samples, analysis.Samples);
            var best = clip == wav ? await reader.ReadAsync(clip, 44100, TestContext.Current.CancellationToken) : analysis;
            Assert.Equal(16000, model.SampleRate);
            Assert.Equal(best.ResampledTo(16000).Samples, model.Samples);
        }
    }

    [Fact]
    public void Chunks_are_ten_seconds_and_a_short_tail_joins_the_last()
    {
        var audio = new MonoAudio(new float[24 * 100], 100);

        Assert.Equal([10.0, 14.0], audio.Chunks(10).Select(c => c.Seconds));
        Assert.Equal([10.0, 10.0, 6.0], new MonoAudio(new float[26 * 100], 100).Chunks(10).Select(c => c.Seconds));
        Assert.Equal([4.0], new MonoAudio(new float[4 * 100], 100).Chunks(10).Select(c => c.Seconds));
    }
}
