using NWaves.Transforms;
using NWaves.Windows;

namespace Sonique.Analysis.Audio.Features;

/// <summary>Magnitude spectra of Hann-windowed frames (NWaves' real FFT), the one view of the signal that
/// tempo, key and timbre are all read from.</summary>
public sealed class Spectrogram
{
    private Spectrogram(float[][] frames, int sampleRate, int frameSize, int hop)
    {
        Frames = frames;
        SampleRate = sampleRate;
        FrameSize = frameSize;
        Hop = hop;
    }

    /// <summary>One magnitude spectrum (FrameSize / 2 + 1 bins) per hop.</summary>
    public float[][] Frames { get; }

    public int SampleRate { get; }

    public int FrameSize { get; }

    public int Hop { get; }

    public int Bins => (FrameSize / 2) + 1;

    public double HopSeconds => (double)Hop / SampleRate;

    public double BinHertz => (double)SampleRate / FrameSize;

    public int BinOf(double hertz) => Math.Clamp((int)Math.Round(hertz / BinHertz), 0, Bins - 1);

    public static Spectrogram Of(MonoAudio audio, int frameSize, int hop)
    {
        var fft = new RealFft(frameSize);
        var window = Window.OfType(WindowType.Hann, frameSize);
        var count = audio.Samples.Length < frameSize ? 0 : 1 + ((audio.Samples.Length - frameSize) / hop);
        var frames = new float[count][];
        var block = new float[frameSize];
        for (var f = 0; f < count; f++)
        {
            var source = audio.Samples.AsSpan(f * hop, frameSize);
            for (var i = 0; i < frameSize; i++)
            {
                block[i] = source[i] * window[i];
            }

            frames[f] = new float[(frameSize / 2) + 1];
            fft.MagnitudeSpectrum(block, frames[f], normalize: false);
        }

        return new Spectrogram(frames, audio.SampleRate, frameSize, hop);
    }
}
