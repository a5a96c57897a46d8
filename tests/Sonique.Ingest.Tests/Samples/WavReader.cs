using System.Buffers.Binary;

namespace Sonique.Ingest.Tests.Samples;

/// <summary>Reads back a canonical mono 16-bit WAV, checking the header says what the samples are.</summary>
internal static class WavReader
{
    public static (int SampleRate, short[] Samples) Read(byte[] wav)
    {
        var span = wav.AsSpan();
        Assert.True(span[..4].SequenceEqual("RIFF"u8) && span[8..16].SequenceEqual("WAVEfmt "u8), "not a RIFF WAVE file");
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(span[20..]));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(span[22..]));
        Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(span[34..]));
        Assert.True(span[36..40].SequenceEqual("data"u8), "no data chunk where a canonical header has it");
        var sampleRate = BinaryPrimitives.ReadInt32LittleEndian(span[24..]);
        var dataBytes = BinaryPrimitives.ReadInt32LittleEndian(span[40..]);
        Assert.Equal(wav.Length - 44, dataBytes);
        var samples = new short[dataBytes / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(span[(44 + (2 * i))..]);
        }

        return (sampleRate, samples);
    }
}
