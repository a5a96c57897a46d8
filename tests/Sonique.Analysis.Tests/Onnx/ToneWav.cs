using System.Buffers.Binary;

namespace Sonique.Analysis.Tests.Onnx;

/// <summary>Mono 16-bit PCM WAV files of sine tones, at 44.1 kHz as the Download stage writes clips.</summary>
internal static class ToneWav
{
    public const int Rate = 44100;

    /// <summary>One tone after another: each (hertz, seconds) plays at half of full scale.</summary>
    public static string Write(string path, params (double Hertz, double Seconds)[] tones)
    {
        var samples = new List<short>();
        foreach (var (hertz, seconds) in tones)
        {
            var count = (int)Math.Round(seconds * Rate);
            for (var i = 0; i < count; i++)
            {
                samples.Add((short)Math.Round(16384 * Math.Sin(2 * Math.PI * hertz * i / Rate)));
            }
        }

        var data = samples.Count * 2;
        var bytes = new byte[44 + data];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 36 + data);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), Rate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), Rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), data);
        for (var i = 0; i < samples.Count; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (2 * i)), samples[i]);
        }

        File.WriteAllBytes(path, bytes);
        return path;
    }
}
