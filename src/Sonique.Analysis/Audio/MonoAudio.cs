namespace Sonique.Analysis.Audio;

/// <summary>One channel of samples in [-1, 1] at a known rate: what every audio analyser reads.</summary>
public sealed class MonoAudio
{
    public MonoAudio(float[] samples, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        Samples = samples;
        SampleRate = sampleRate;
    }

    public float[] Samples { get; }

    public int SampleRate { get; }

    public double Seconds => (double)Samples.Length / SampleRate;

    /// <summary>The samples from <paramref name="startSeconds"/> for at most <paramref name="seconds"/>.</summary>
    public MonoAudio Slice(double startSeconds, double seconds)
    {
        var start = Math.Clamp((int)Math.Round(startSeconds * SampleRate), 0, Samples.Length);
        var length = Math.Clamp((int)Math.Round(seconds * SampleRate), 0, Samples.Length - start);
        return new MonoAudio(Samples.AsSpan(start, length).ToArray(), SampleRate);
    }

    /// <summary>The audio at <paramref name="sampleRate"/>, band-limited to below both rates' Nyquist frequencies
    /// (see <see cref="SincResampler"/>); itself when the rate is already that.</summary>
    public MonoAudio ResampledTo(int sampleRate) =>
        sampleRate == SampleRate ? this : new MonoAudio(new SincResampler(SampleRate, sampleRate).Resample(Samples), sampleRate);

    /// <summary>Consecutive chunks of <paramref name="seconds"/> (the original's 10 s); a last chunk shorter than
    /// half a chunk joins the one before, so no chunk is too short to hold a few beats.</summary>
    public IReadOnlyList<MonoAudio> Chunks(double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        var chunks = new List<MonoAudio>();
        var count = Math.Max(1, (int)Math.Floor(Seconds / seconds));
        var rest = Seconds - (count * seconds);
        if (rest >= seconds / 2)
        {
            count++;
        }

        for (var i = 0; i < count; i++)
        {
            var last = i == count - 1;
            chunks.Add(Slice(i * seconds, last ? Seconds : seconds));
        }

        return chunks;
    }
}
