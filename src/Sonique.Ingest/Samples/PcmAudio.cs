using System.Buffers.Binary;

namespace Sonique.Ingest.Samples;

/// <summary>Mono 16-bit PCM, and its WAV file.</summary>
public sealed class PcmAudio(int sampleRate, short[] samples)
{
    private const int HeaderBytes = 44;

    public int SampleRate { get; } = sampleRate;

    public ReadOnlyMemory<short> Samples { get; } = samples;

    public double Seconds => (double)Samples.Length / SampleRate;

    /// <summary>A canonical 44-byte-header RIFF WAV, little-endian whatever the machine.</summary>
    public byte[] ToWav()
    {
        var dataBytes = Samples.Length * sizeof(short);
        var wav = new byte[HeaderBytes + dataBytes];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], HeaderBytes - 8 + dataBytes);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * sizeof(short));
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], sizeof(short));
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        var samples = Samples.Span;
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(span[(HeaderBytes + (2 * i))..], samples[i]);
        }

        return wav;
    }

    public Task WriteWavAsync(string path, CancellationToken cancellationToken) =>
        File.WriteAllBytesAsync(path, ToWav(), cancellationToken);
}
