using Sonique.Analysis.Audio;

namespace Sonique.Analysis.Tests.Features;

/// <summary>The in-process resampler behind a model's audio, against sines sampled directly at the new rate.</summary>
public sealed class SincResamplerTests
{
    [Theory]
    [InlineData(44100, 16000, 1000)]
    [InlineData(44100, 16000, 6000)]
    [InlineData(22050, 16000, 3000)]
    [InlineData(16000, 44100, 5000)]
    public void A_tone_below_both_nyquist_frequencies_is_the_same_tone_sampled_at_the_new_rate(int from, int to, double hertz)
    {
        var resampled = Sine(hertz, from, 1).ResampledTo(to);

        var expected = Sine(hertz, to, 1);
        Assert.Equal(to, resampled.SampleRate);
        Assert.Equal(expected.Samples.Length, resampled.Samples.Length);

        // Away from the edges, where the filter sees silence beyond the signal.
        var margin = to / 100;
        var worst = Enumerable.Range(margin, resampled.Samples.Length - (2 * margin)).Max(i => Math.Abs(resampled.Samples[i] - expected.Samples[i]));
        Assert.True(worst < 2e-3, $"largest difference {worst}");
    }

    [Theory]
    [InlineData(44100, 16000, 9500)]
    [InlineData(44100, 16000, 15000)]
    [InlineData(44100, 22050, 13000)]
    public void A_tone_above_the_new_nyquist_frequency_is_removed_instead_of_folding_back(int from, int to, double hertz)
    {
        var resampled = Sine(hertz, from, 1).ResampledTo(to);

        var margin = to / 100;
        var middle = resampled.Samples[margin..^margin];
        var rms = Math.Sqrt(middle.Average(v => (double)v * v));
        Assert.True(rms < 0.5 / Math.Sqrt(2) / 1000, $"rms {rms}: not 60 dB below the tone's");
    }

    [Fact]
    public void The_same_rate_is_the_same_audio()
    {
        var audio = Sine(440, 16000, 0.1);

        Assert.Same(audio, audio.ResampledTo(16000));
    }

    private static MonoAudio Sine(double hertz, int rate, double seconds)
    {
        var samples = new float[(int)(seconds * rate)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.5f * (float)Math.Sin(2 * Math.PI * hertz * i / rate);
        }

        return new MonoAudio(samples, rate);
    }
}
