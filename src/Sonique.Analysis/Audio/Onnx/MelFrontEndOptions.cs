namespace Sonique.Analysis.Audio.Onnx;

/// <summary>
/// The log-mel front end a tagging model was trained on. A model only works with the exact features it saw,
/// so every choice is a setting. The defaults are Essentia's front end for its musicnn and EffNet-Discogs
/// models (and musicnn's own librosa one): 16 kHz, 512-sample Hann frames every 256 samples, power spectrum,
/// 96 Slaney mel bands from 0 Hz to Nyquist with unit-area triangles, log10(1 + 10000 x), patches of 187
/// frames (about 3 s) every 93 frames.
/// </summary>
public sealed record MelFrontEndOptions
{
    public int SampleRate { get; init; } = 16000;

    /// <summary>Samples per frame, which is also the FFT size (a power of two).</summary>
    public int FftSize { get; init; } = 512;

    public int Hop { get; init; } = 256;

    public int MelBands { get; init; } = 96;

    public double MinHertz { get; init; }

    /// <summary>The top of the highest band; null means the Nyquist frequency.</summary>
    public double? MaxHertz { get; init; }

    public MelScale Scale { get; init; } = MelScale.Slaney;

    public MelNormalization Normalization { get; init; } = MelNormalization.Area;

    public SpectrumKind Spectrum { get; init; } = SpectrumKind.Power;

    public MelCompression Compression { get; init; } = MelCompression.ShiftedLog10;

    /// <summary>The x in log10(1 + x * energy), for <see cref="MelCompression.ShiftedLog10"/>.</summary>
    public double CompressionScale { get; init; } = 10000;

    /// <summary>The smallest energy the natural log sees, for <see cref="MelCompression.FlooredLog"/>.</summary>
    public double LogFloor { get; init; } = 1e-10;

    /// <summary>Frames in one model input (187 for musicnn, 128 for EffNet-Discogs).</summary>
    public int PatchFrames { get; init; } = 187;

    /// <summary>Frames from one patch's start to the next one's (93 for musicnn, 62 for EffNet-Discogs).</summary>
    public int PatchHop { get; init; } = 93;

    public double TopHertz => MaxHertz ?? SampleRate / 2.0;

    /// <summary>The fewest samples that make one whole patch; shorter audio is padded with silence to this.</summary>
    public int PatchSamples => FftSize + ((PatchFrames - 1) * Hop);

    internal void Validate()
    {
        Require(SampleRate is >= 4000 and <= 192000, $"the mel front end's sample rate must be between 4000 and 192000 Hz, not {SampleRate}");
        Require(FftSize is >= 16 and <= 65536 && (FftSize & (FftSize - 1)) == 0, $"the mel front end's FFT size must be a power of two from 16 to 65536, not {FftSize}");
        Require(Hop >= 1 && Hop <= FftSize, $"the mel front end's hop must be between 1 and the FFT size ({FftSize}), not {Hop}");
        Require(MelBands is >= 1 and <= 512, $"the mel front end's band count must be between 1 and 512, not {MelBands}");
        Require(MinHertz >= 0 && double.IsFinite(MinHertz), $"the mel front end's lowest frequency must be 0 Hz or more, not {MinHertz}");
        Require(
            TopHertz > MinHertz && TopHertz <= SampleRate / 2.0,
            $"the mel front end's highest frequency must be above {MinHertz} Hz and at most the Nyquist frequency ({SampleRate / 2.0} Hz), not {TopHertz}");
        Require(CompressionScale > 0 && double.IsFinite(CompressionScale), $"the mel compression scale must be above 0, not {CompressionScale}");
        Require(LogFloor > 0 && double.IsFinite(LogFloor), $"the mel log floor must be above 0, not {LogFloor}");
        Require(PatchFrames >= 1, $"the mel patch must be at least 1 frame long, not {PatchFrames}");
        Require(PatchHop >= 1, $"the mel patch hop must be at least 1 frame, not {PatchHop}");
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new OnnxTaggerLoadException(problem);
        }
    }
}

/// <summary>How hertz map to mels, which places the bands.</summary>
public enum MelScale
{
    /// <summary>Linear to 1 kHz, logarithmic above (librosa's default, Essentia's "slaneyMel").</summary>
    Slaney,

    /// <summary>2595 log10(1 + f / 700) (HTK, torchaudio's default).</summary>
    Htk,
}

/// <summary>How each band's triangle is weighted.</summary>
public enum MelNormalization
{
    /// <summary>Each triangle has unit area (Slaney's norm, Essentia's "unit_tri"), so wide high bands do not
    /// outweigh narrow low ones.</summary>
    Area,

    /// <summary>Each triangle peaks at 1 (HTK, torchaudio's default).</summary>
    Height,
}

/// <summary>What the mel bands add up: the FFT's power (|X|^2) or its magnitude (|X|).</summary>
public enum SpectrumKind
{
    Power,
    Magnitude,
}

/// <summary>How band energies are compressed before the model sees them.</summary>
public enum MelCompression
{
    /// <summary>log10(1 + <see cref="MelFrontEndOptions.CompressionScale"/> x): musicnn's and Essentia's.</summary>
    ShiftedLog10,

    /// <summary>ln(max(x, <see cref="MelFrontEndOptions.LogFloor"/>)).</summary>
    FlooredLog,

    /// <summary>The energies as they are, for a model that compresses them itself.</summary>
    None,
}
