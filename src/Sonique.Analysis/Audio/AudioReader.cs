using System.Buffers.Binary;
using System.Globalization;
using Sonique.Media;

namespace Sonique.Analysis.Audio;

/// <summary>
/// Reads a clip's audio as mono at the rate an analyser asks for. A PCM WAV whose rate is a whole multiple of
/// that rate (the Download stage writes 16-bit 44.1 kHz) is read here, averaging channels and neighbouring
/// samples: starting ffmpeg costs more than analysing a short clip. Everything else goes through ffmpeg.
/// </summary>
public sealed class AudioReader(Ffmpeg ffmpeg)
{
    /// <summary>The audio, or <see cref="ClipAnalysisException"/> naming why it cannot be decoded.</summary>
    public async Task<MonoAudio> ReadAsync(string path, int sampleRate, CancellationToken cancellationToken)
    {
        // Only a WAV is read into memory here; anything else goes to ffmpeg unread.
        var audio = await WavPcm.LooksLikeWavAsync(path, cancellationToken)
            ? WavPcm.TryRead(await File.ReadAllBytesAsync(path, cancellationToken), sampleRate) ?? await DecodeAsync(path, sampleRate, cancellationToken)
            : await DecodeAsync(path, sampleRate, cancellationToken);
        if (audio.Samples.Length == 0)
        {
            throw new ClipAnalysisException("no audio: the file decodes to zero samples");
        }

        return audio;
    }

    /// <summary>
    /// The clip read once for two consumers: <paramref name="analysisRate"/> audio exactly as
    /// <see cref="ReadAsync"/> gives it (so tempo and key do not change), and <paramref name="modelRate"/> audio
    /// for a model's front end, resampled in process, band-limited, from the best audio read: a WAV's own
    /// samples, or else the one ffmpeg decode.
    /// </summary>
    public async Task<(MonoAudio Analysis, MonoAudio Model)> ReadForModelAsync(string path, int analysisRate, int modelRate, CancellationToken cancellationToken)
    {
        if (await WavPcm.LooksLikeWavAsync(path, cancellationToken))
        {
            var file = await File.ReadAllBytesAsync(path, cancellationToken);
            if (WavPcm.TryRead(file, sampleRate: null) is { Samples.Length: > 0 } native)
            {
                var analysis = WavPcm.TryRead(file, analysisRate) ?? native.ResampledTo(analysisRate);
                return (analysis, native.ResampledTo(modelRate));
            }
        }

        // One decode at the higher rate: the lower one loses nothing it could hold.
        var decoded = await ReadAsync(path, Math.Max(analysisRate, modelRate), cancellationToken);
        return (decoded.ResampledTo(analysisRate), decoded.ResampledTo(modelRate));
    }

    private async Task<MonoAudio> DecodeAsync(string path, int sampleRate, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        try
        {
            await ffmpeg.RunAsync(
                ["-i", Path.GetFullPath(path), "-vn", "-ac", "1", "-ar", sampleRate.ToString(CultureInfo.InvariantCulture), "-f", "f32le", "-"],
                output,
                cancellationToken);
        }
        catch (MediaToolException e)
        {
            throw new ClipAnalysisException($"audio cannot be decoded: {e.Message}", e);
        }

        var raw = output.GetBuffer().AsSpan(0, (int)output.Length);
        var samples = new float[raw.Length / sizeof(float)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
        }

        return new MonoAudio(samples, sampleRate);
    }
}
