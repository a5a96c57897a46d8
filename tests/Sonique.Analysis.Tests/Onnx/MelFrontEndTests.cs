using System.Numerics;
using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Onnx;

namespace Sonique.Analysis.Tests.Onnx;

public sealed class MelFrontEndTests
{
    private const int Rate = 16000;

    [Theory]
    [InlineData(MelScale.Slaney, 300)]
    [InlineData(MelScale.Slaney, 2000)]
    [InlineData(MelScale.Slaney, 5000)]
    [InlineData(MelScale.Htk, 300)]
    [InlineData(MelScale.Htk, 2000)]
    [InlineData(MelScale.Htk, 5000)]
    public void A_tone_is_loudest_in_the_band_whose_centre_is_nearest_its_frequency(MelScale scale, double hertz)
    {
        var frontEnd = new MelFrontEnd(new MelFrontEndOptions { Scale = scale });

        var frames = frontEnd.Bands(Sine(hertz, 1));

        var loudest = Enumerable.Range(0, 96).MaxBy(b => frames.Average(f => f[b]));
        var nearest = Enumerable.Range(0, 96).MinBy(b => Math.Abs(Corners(scale, 96, 0, Rate / 2.0)[b + 1] - hertz));
        Assert.InRange(loudest, nearest - 1, nearest + 1);
    }

    /// <summary>The level a tone must reach, from the sine's spectrum on paper: a Hann-windowed sine of amplitude
    /// A on FFT bin k0 has power (A N / 4)^2 at k0 and a quarter of that at k0 +- 1, and nothing elsewhere; the
    /// band adds those bins by its triangle's weights, scaled to unit area, and log10(1 + 10000 x) compresses.</summary>
    [Theory]
    [InlineData(8)]
    [InlineData(40)]
    [InlineData(70)]
    [InlineData(93)]
    public void A_tone_on_a_bands_centre_lands_in_that_band_at_the_level_its_spectrum_predicts(int band)
    {
        const int n = 512;
        const double amplitude = 0.5;
        var corners = Corners(MelScale.Slaney, 96, 0, Rate / 2.0);
        var bin = (int)Math.Round(corners[band + 1] * n / Rate);
        var hertz = (double)bin * Rate / n;
        var frontEnd = new MelFrontEnd(new MelFrontEndOptions());

        var frames = frontEnd.Bands(Sine(hertz, 1));

        var (left, centre, right) = (corners[band], corners[band + 1], corners[band + 2]);
        double Weight(int k) => Math.Max(0, Math.Min(((double)k * Rate / n - left) / (centre - left), (right - ((double)k * Rate / n)) / (right - centre)));
        var peak = Math.Pow(amplitude * n / 4, 2);
        var energy = 2 / (right - left) * ((Weight(bin) * peak) + ((Weight(bin - 1) + Weight(bin + 1)) * peak / 4));
        var expected = Math.Log10(1 + (10000 * energy));
        var middle = frames[frames.Length / 2];
        Assert.Equal(expected, middle[band], 0.01);
        Assert.Equal(band, Enumerable.Range(0, 96).MaxBy(b => middle[b]));
    }

    /// <summary>The front end's numbers, against the same steps written out plainly: a symmetric Hann window, a
    /// direct DFT, triangles linear in hertz between mel-spaced corners, then the compression.</summary>
    [Theory]
    [InlineData(MelScale.Slaney, MelNormalization.Area, SpectrumKind.Power, MelCompression.ShiftedLog10)]
    [InlineData(MelScale.Htk, MelNormalization.Height, SpectrumKind.Magnitude, MelCompression.FlooredLog)]
    [InlineData(MelScale.Slaney, MelNormalization.Height, SpectrumKind.Power, MelCompression.None)]
    public void A_frame_matches_the_front_end_computed_by_hand(MelScale scale, MelNormalization normalization, SpectrumKind spectrum, MelCompression compression)
    {
        var options = new MelFrontEndOptions
        {
            Scale = scale,
            Normalization = normalization,
            Spectrum = spectrum,
            Compression = compression,
            MelBands = 40,
            MinHertz = 100,
            MaxHertz = 7000,
        };
        // Two tones over noise, so every band holds energy well above single-precision round-off.
        var audio = Sine(440, 0.1);
        var noise = new Random(7);
        for (var i = 0; i < audio.Samples.Length; i++)
        {
            audio.Samples[i] += (0.2f * (float)Math.Sin(2 * Math.PI * 3100 * i / Rate)) + (0.05f * ((float)noise.NextDouble() - 0.5f));
        }

        var frame = new MelFrontEnd(options).Bands(audio)[2];

        var expected = ByHand(options, audio.Samples.AsSpan(2 * options.Hop, options.FftSize));
        for (var b = 0; b < options.MelBands; b++)
        {
            Assert.Equal(expected[b], frame[b], Math.Max(1e-3, Math.Abs(expected[b]) * 1e-4));
        }
    }

    [Theory]
    [InlineData(MelCompression.ShiftedLog10, 0.0)]
    [InlineData(MelCompression.FlooredLog, -23.025850929940457)]
    [InlineData(MelCompression.None, 0.0)]
    public void Silence_compresses_to_the_floor_of_each_compression(MelCompression compression, double floor)
    {
        var frontEnd = new MelFrontEnd(new MelFrontEndOptions { Compression = compression, LogFloor = 1e-10 });

        var frames = frontEnd.Bands(new MonoAudio(new float[Rate], Rate));

        Assert.All(frames.SelectMany(f => f), v => Assert.Equal(floor, v, 1e-4));
    }

    [Fact]
    public void Ten_seconds_make_five_patches_of_187_frames_93_frames_apart()
    {
        var frontEnd = new MelFrontEnd(new MelFrontEndOptions());
        var audio = Sine(1000, 10);
        var frames = frontEnd.Bands(audio);

        var patches = frontEnd.Patches(audio);

        Assert.Equal(1 + ((10 * Rate) - 512) / 256, frames.Length);
        Assert.Equal(5, patches.Count);
        Assert.All(patches, p => Assert.Equal(187, p.Length));
        Assert.All(patches.SelectMany(p => p), f => Assert.Equal(96, f.Length));
        Assert.Equal(frames[93], patches[1][0]);
        Assert.Equal(frames[4 * 93], patches[4][0]);
    }

    [Fact]
    public void Audio_shorter_than_a_patch_is_padded_with_silence_to_one()
    {
        var frontEnd = new MelFrontEnd(new MelFrontEndOptions());

        var patches = frontEnd.Patches(Sine(1000, 1));

        var patch = Assert.Single(patches);
        Assert.Equal(187, patch.Length);
        Assert.True(patch[0].Max() > 1, "the tone is at the start");
        Assert.All(patch[^1], v => Assert.Equal(0, v));
    }

    [Fact]
    public void Options_no_front_end_can_have_are_refused_saying_why()
    {
        var aboveNyquist = Assert.Throws<OnnxTaggerLoadException>(() => new MelFrontEnd(new MelFrontEndOptions { MaxHertz = 9000 }));
        var oddFft = Assert.Throws<OnnxTaggerLoadException>(() => new MelFrontEnd(new MelFrontEndOptions { FftSize = 500 }));

        Assert.Contains("Nyquist", aboveNyquist.Message, StringComparison.Ordinal);
        Assert.Contains("power of two", oddFft.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Audio_at_another_rate_is_refused()
    {
        var frontEnd = new MelFrontEnd(new MelFrontEndOptions());

        var e = Assert.Throws<ArgumentException>(() => frontEnd.Bands(new MonoAudio(new float[22050], 22050)));

        Assert.Contains("16000", e.Message, StringComparison.Ordinal);
    }

    private static MonoAudio Sine(double hertz, double seconds)
    {
        var samples = new float[(int)(seconds * Rate)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.5f * (float)Math.Sin(2 * Math.PI * hertz * i / Rate);
        }

        return new MonoAudio(samples, Rate);
    }

    private static double[] ByHand(MelFrontEndOptions options, ReadOnlySpan<float> samples)
    {
        var n = options.FftSize;
        var spectrum = new double[(n / 2) + 1];
        for (var k = 0; k < spectrum.Length; k++)
        {
            var sum = Complex.Zero;
            for (var i = 0; i < n; i++)
            {
                var window = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (n - 1)));
                sum += samples[i] * window * Complex.FromPolarCoordinates(1, -2 * Math.PI * k * i / n);
            }

            spectrum[k] = options.Spectrum == SpectrumKind.Power ? sum.Magnitude * sum.Magnitude : sum.Magnitude;
        }

        var corners = Corners(options.Scale, options.MelBands, options.MinHertz, options.TopHertz);
        var bands = new double[options.MelBands];
        for (var b = 0; b < bands.Length; b++)
        {
            var (left, centre, right) = (corners[b], corners[b + 1], corners[b + 2]);
            var gain = options.Normalization == MelNormalization.Area ? 2 / (right - left) : 1;
            for (var k = 0; k < spectrum.Length; k++)
            {
                var hertz = (double)k * Rate / n;
                var weight = Math.Max(0, Math.Min((hertz - left) / (centre - left), (right - hertz) / (right - centre)));
                bands[b] += gain * weight * spectrum[k];
            }

            bands[b] = options.Compression switch
            {
                MelCompression.ShiftedLog10 => Math.Log10(1 + (options.CompressionScale * bands[b])),
                MelCompression.FlooredLog => Math.Log(Math.Max(bands[b], options.LogFloor)),
                _ => bands[b],
            };
        }

        return bands;
    }

    /// <summary>The bands' corner frequencies: bands + 2 points evenly spaced in mels, band b spanning
    /// corners b to b + 2 and peaking at b + 1.</summary>
    private static double[] Corners(MelScale scale, int bands, double low, double high)
    {
        Func<double, double> toMel = scale == MelScale.Htk
            ? f => 2595 * Math.Log10(1 + (f / 700))
            : f => f < 1000 ? 3 * f / 200 : 15 + (27 * Math.Log(f / 1000) / Math.Log(6.4));
        Func<double, double> toHertz = scale == MelScale.Htk
            ? m => 700 * (Math.Pow(10, m / 2595) - 1)
            : m => m < 15 ? 200 * m / 3 : 1000 * Math.Exp((m - 15) * Math.Log(6.4) / 27);
        var step = (toMel(high) - toMel(low)) / (bands + 1);
        return [.. Enumerable.Range(0, bands + 2).Select(i => toHertz(toMel(low) + (i * step)))];
    }
}
