using NWaves.Filters.Fda;
using NWaves.Transforms;
using NWaves.Windows;

namespace Sonique.Analysis.Audio.Onnx;

/// <summary>
/// Turns audio into the compressed mel bands a tagging model reads, cut into the patches it takes as input.
/// The filter bank and window are built once; each call makes its own FFT, whose scratch buffers must not be
/// shared by the clips that are tagged at the same time.
/// </summary>
public sealed class MelFrontEnd
{
    private readonly float[][] _filterBank;
    private readonly float[] _window;

    public MelFrontEnd(MelFrontEndOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var bands = options.Scale == MelScale.Slaney
            ? FilterBanks.MelBandsSlaney(options.MelBands, options.SampleRate, options.MinHertz, options.TopHertz)
            : FilterBanks.MelBands(options.MelBands, options.SampleRate, options.MinHertz, options.TopHertz);

        // Without a scale mapper NWaves draws each triangle linearly in hertz between mel-spaced corners, as
        // librosa and Essentia's "linear" weighting do.
        _filterBank = FilterBanks.Triangular(options.FftSize, options.SampleRate, bands);
        if (options.Normalization == MelNormalization.Area)
        {
            FilterBanks.Normalize(options.MelBands, bands, _filterBank);
        }

        // NWaves' Hann is the symmetric one, Essentia's; unscaled, as musicnn's front end leaves it.
        _window = Window.OfType(WindowType.Hann, options.FftSize);
    }

    public MelFrontEndOptions Options { get; }

    /// <summary>The compressed mel bands of each frame (one row of <see cref="MelFrontEndOptions.MelBands"/>
    /// values per hop). Frames start at sample 0; a signal shorter than one frame is one zero-padded frame.</summary>
    public float[][] Bands(MonoAudio audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.SampleRate != Options.SampleRate)
        {
            throw new ArgumentException($"The mel front end reads {Options.SampleRate} Hz audio, not {audio.SampleRate} Hz.", nameof(audio));
        }

        var size = Options.FftSize;
        var samples = audio.Samples;
        var count = samples.Length <= size ? 1 : 1 + ((samples.Length - size) / Options.Hop);
        var fft = new RealFft(size);
        var block = new float[size];
        var spectrum = new float[(size / 2) + 1];
        var frames = new float[count][];
        for (var f = 0; f < count; f++)
        {
            var start = f * Options.Hop;
            var length = Math.Min(size, samples.Length - start);
            Array.Clear(block);
            for (var i = 0; i < length; i++)
            {
                block[i] = samples[start + i] * _window[i];
            }

            if (Options.Spectrum == SpectrumKind.Power)
            {
                fft.PowerSpectrum(block, spectrum, normalize: false);
            }
            else
            {
                fft.MagnitudeSpectrum(block, spectrum, normalize: false);
            }

            var mel = new float[Options.MelBands];
            FilterBanks.Apply(_filterBank, spectrum, mel);
            Compress(mel);
            frames[f] = mel;
        }

        return frames;
    }

    /// <summary>Windows of <see cref="MelFrontEndOptions.PatchFrames"/> frames every
    /// <see cref="MelFrontEndOptions.PatchHop"/> frames, each a frames-by-bands array. Audio shorter than one
    /// patch is padded with silence to one, so every chunk of a clip yields at least one patch.</summary>
    public IReadOnlyList<float[][]> Patches(MonoAudio audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.Samples.Length < Options.PatchSamples)
        {
            var padded = new float[Options.PatchSamples];
            audio.Samples.CopyTo(padded, 0);
            audio = new MonoAudio(padded, audio.SampleRate);
        }

        var frames = Bands(audio);
        var patches = new List<float[][]>();
        for (var start = 0; start + Options.PatchFrames <= frames.Length; start += Options.PatchHop)
        {
            patches.Add(frames[start..(start + Options.PatchFrames)]);
        }

        return patches;
    }

    private void Compress(float[] mel)
    {
        switch (Options.Compression)
        {
            case MelCompression.ShiftedLog10:
                for (var i = 0; i < mel.Length; i++)
                {
                    mel[i] = (float)Math.Log10(1 + (Options.CompressionScale * mel[i]));
                }

                break;
            case MelCompression.FlooredLog:
                for (var i = 0; i < mel.Length; i++)
                {
                    mel[i] = (float)Math.Log(Math.Max(mel[i], Options.LogFloor));
                }

                break;
            case MelCompression.None:
                break;
            default:
                throw new InvalidOperationException($"Unknown mel compression {Options.Compression}.");
        }
    }
}
