namespace Sonique.Analysis.Audio.Features;

/// <summary>
/// Onset strength per frame: the spectral flux of log-compressed magnitudes (rises only, summed over bins up
/// to 8 kHz), the detection function librosa's beat tracker also starts from. Drums, plucks and chord changes
/// all show as peaks; a held note does not.
/// </summary>
public static class OnsetEnvelope
{
    private const double Compression = 100;
    private const double HighestHertz = 8000;

    /// <summary>A rise smaller than this (about 10% in magnitude where the bin is loud, far less where it is quiet)
    /// is a steady sound's ripple, not an attack: a held low tone's leakage flickers by that much every frame.</summary>
    private const float Ripple = 0.1f;

    /// <summary>Flux per bin below which nothing starts: a held tone's frame-to-frame leakage is orders of magnitude
    /// under it, the softest plucked note well over it.</summary>
    public const double Floor = 0.002;

    /// <summary>Below this only kick drums, bass notes and the low body of a snare sound: the bass and kick pattern.</summary>
    public const double BassHighestHertz = 200;

    public static float[] Of(Spectrogram spectrogram) => Of(spectrogram, HighestHertz);

    /// <summary>The flux of the bins up to <paramref name="highestHertz"/> only.</summary>
    public static float[] Of(Spectrogram spectrogram, double highestHertz)
    {
        var bins = Math.Min(spectrogram.Bins, spectrogram.BinOf(highestHertz) + 1);
        var envelope = new float[spectrogram.Frames.Length];
        var previous = new float[bins];
        var current = new float[bins];
        for (var f = 0; f < spectrogram.Frames.Length; f++)
        {
            var frame = spectrogram.Frames[f];
            var flux = 0.0;
            for (var b = 0; b < bins; b++)
            {
                current[b] = MathF.Log(1 + ((float)Compression * frame[b]));
                flux += Math.Max(0, current[b] - previous[b] - Ripple);
            }

            envelope[f] = f == 0 ? 0 : (float)(flux / bins);
            (previous, current) = (current, previous);
        }

        return envelope;
    }
}
