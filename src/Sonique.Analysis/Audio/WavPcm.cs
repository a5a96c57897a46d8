using System.Buffers.Binary;
using System.Text;

namespace Sonique.Analysis.Audio;

/// <summary>The RIFF WAVE files this reader takes without ffmpeg: integer PCM of 16 bits, any channel count.</summary>
internal static class WavPcm
{
    /// <summary>Whether the file starts as a RIFF WAVE file does.</summary>
    public static async Task<bool> LooksLikeWavAsync(string path, CancellationToken cancellationToken)
    {
        var header = new byte[12];
        await using var file = File.OpenRead(path);
        var read = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        return read == header.Length && header.AsSpan(0, 4).SequenceEqual("RIFF"u8) && header.AsSpan(8, 4).SequenceEqual("WAVE"u8);
    }

    /// <summary>Mono samples at <paramref name="sampleRate"/> (null: the file's own rate), or null when the file
    /// is anything else (which ffmpeg then decodes, or names as broken).</summary>
    public static MonoAudio? TryRead(ReadOnlySpan<byte> file, int? sampleRate)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file[8..12].SequenceEqual("WAVE"u8))
        {
            return null;
        }

        int? channels = null, rate = null;
        for (var at = 12; at + 8 <= file.Length;)
        {
            var id = Encoding.ASCII.GetString(file.Slice(at, 4));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 4)..]);
            var body = at + 8;
            if (id == "fmt " && size >= 16 && body + 16 <= file.Length)
            {
                var format = BinaryPrimitives.ReadUInt16LittleEndian(file[body..]);
                var bits = BinaryPrimitives.ReadUInt16LittleEndian(file[(body + 14)..]);
                if (format != 1 || bits != 16)
                {
                    return null;
                }

                channels = BinaryPrimitives.ReadUInt16LittleEndian(file[(body + 2)..]);
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[(body + 4)..]);
            }
            else if (id == "data" && channels is > 0 && rate is > 0)
            {
                // A streamed WAV may say 0 or 0xFFFFFFFF here: the data then runs to the end of the file.
                var length = size == 0 || size > file.Length - body ? file.Length - body : (int)size;
                var target = sampleRate ?? rate.Value;
                return rate % target == 0 ? Mix(file.Slice(body, length), channels.Value, rate.Value / target, target) : null;
            }

            at = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }

        return null;
    }

    /// <summary>Averages the channels and each run of <paramref name="factor"/> samples: a box filter that
    /// keeps what tempo, key and timbre need (everything below a quarter of the new rate) and costs one pass.</summary>
    private static MonoAudio Mix(ReadOnlySpan<byte> data, int channels, int factor, int sampleRate)
    {
        var frames = data.Length / (2 * channels);
        var samples = new float[frames / factor];
        var scale = 1f / (32768f * channels * factor);
        for (var i = 0; i < samples.Length; i++)
        {
            var sum = 0;
            var start = i * factor * channels * 2;
            for (var k = 0; k < factor * channels; k++)
            {
                sum += BinaryPrimitives.ReadInt16LittleEndian(data[(start + (2 * k))..]);
            }

            samples[i] = sum * scale;
        }

        return new MonoAudio(samples, sampleRate);
    }
}
