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

    public static float[] Of(Spectrogram spectrogram)
    {
        var bins = Math.Min(spectrogram.Bins, spectrogram.BinOf(HighestHertz) + 1);
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
                flux += Math.Max(0, current[b] - previous[b]);
            }

            envelope[f] = f == 0 ? 0 : (float)(flux / bins);
            (previous, current) = (current, previous);
        }

        return envelope;
    }
}
