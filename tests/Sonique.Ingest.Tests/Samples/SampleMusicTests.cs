using Sonique.Ingest.Samples;
using Sonique.Media.Music;
using Sonique.Tests.Shared;

namespace Sonique.Ingest.Tests.Samples;

public sealed class SampleMusicTests
{
    private const int Seed = 2024;
    private const double Seconds = 8;

    public static TheoryData<Mood> Moods => [.. Enum.GetValues<Mood>()];

    [Fact]
    public void The_same_clip_renders_to_the_same_samples_peaking_at_minus_one_dBFS()
    {
        var clip = SampleLibrary.Clip(Seed, 1, 4);

        var first = SampleMusic.Render(clip, TestContext.Current.CancellationToken);
        var second = SampleMusic.Render(clip, TestContext.Current.CancellationToken);

        Assert.Equal(44100, first.SampleRate);
        Assert.Equal(4 * 44100, first.Samples.Length);
        Assert.True(first.Samples.Span.SequenceEqual(second.Samples.Span));
        Assert.Equal((int)Math.Round(SampleMusic.Peak * short.MaxValue), MaxAbs(first.Samples.Span));
    }

    [Theory]
    [MemberData(nameof(Moods))]
    public async Task The_onsets_repeat_at_exactly_the_beat(Mood mood)
    {
        foreach (var clip in FirstTwo(mood))
        {
            var (sampleRate, samples) = await WavRoundTripAsync(clip);
            var tempo = new OnsetTempo(samples, sampleRate);
            var beat = 60.0 / clip.TempoBpm;

            // Within the octave around the true beat, no other lag may explain the onsets as well.
            Assert.InRange(tempo.StrongestPeriod(beat / Math.Sqrt(2), beat * Math.Sqrt(2)), beat * 0.98, beat * 1.02);
            // And a tracker searching 40-240 BPM lands on the beat, not on half or double time.
            Assert.InRange(tempo.Estimate(), beat * 0.98, beat * 1.02);
        }
    }

    [Theory]
    [MemberData(nameof(Moods))]
    public async Task A_chroma_key_finder_hears_the_key_and_mode(Mood mood)
    {
        foreach (var clip in FirstTwo(mood))
        {
            var (sampleRate, samples) = await WavRoundTripAsync(clip);

            var (tonic, isMinor) = ChromaKey.Find(samples, sampleRate);

            Assert.Equal(clip.Key.ToString(), $"{MusicalKey.NameOf(tonic)} {(isMinor ? "minor" : "major")}");
        }
    }

    [Fact]
    public void Rendering_stops_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => SampleMusic.Render(SampleLibrary.Clip(Seed, 1, 4), cancelled.Token));
    }

    private static IEnumerable<SampleClip> FirstTwo(Mood mood) =>
        SampleLibrary.Plan(Seed, 60, Seconds).Where(c => c.Mood == mood).Take(2);

    /// <summary>The music as the writer hands it to ffmpeg: written as a WAV file and read back.</summary>
    private static async Task<(int SampleRate, short[] Samples)> WavRoundTripAsync(SampleClip clip)
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("music.wav");
        await SampleMusic.Render(clip, TestContext.Current.CancellationToken).WriteWavAsync(path, TestContext.Current.CancellationToken);
        return WavReader.Read(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
    }

    private static int MaxAbs(ReadOnlySpan<short> samples)
    {
        var max = 0;
        foreach (var sample in samples)
        {
            max = Math.Max(max, Math.Abs((int)sample));
        }

        return max;
    }
}
