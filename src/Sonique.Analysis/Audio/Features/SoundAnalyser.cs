namespace Sonique.Analysis.Audio.Features;

/// <summary>
/// Measures <see cref="SoundFeatures"/> for a whole track and for each of its chunks from two spectrograms
/// computed once: 2048-sample frames every 256 for tempo, onsets and timbre, 8192-sample frames for the key.
/// </summary>
public static class SoundAnalyser
{
    private const double OnsetHighestHertz = 8000;
    private const double BassHertz = 250;
    private const double HighHertz = 4000;
    private const int TimbreStride = 4;

    public static (SoundFeatures Track, IReadOnlyList<SoundFeatures> Chunks) Analyse(MonoAudio audio, double chunkSeconds, CancellationToken cancellationToken)
    {
        var fine = Spectrogram.Of(audio, TempoEstimator.FrameSize, TempoEstimator.Hop);
        cancellationToken.ThrowIfCancellationRequested();
        var coarse = Spectrogram.Of(audio, KeyEstimator.FrameSize, KeyEstimator.FrameSize / 2);
        cancellationToken.ThrowIfCancellationRequested();
        var envelope = OnsetEnvelope.Of(fine);

        var (first, last) = Frames(coarse, 0, audio.Seconds);
        var key = KeyEstimator.Estimate(coarse, first, last);
        var tempo = TempoEstimator.Estimate(envelope, OnsetEnvelope.Of(fine, OnsetEnvelope.BassHighestHertz), fine.HopSeconds);
        var track = Measure(audio, fine, envelope, 0, audio.Seconds) with
        {
            TempoBpm = tempo.Bpm,
            TempoConfidence = tempo.Confidence,
            TempoAlternativeBpm = tempo.AlternativeBpm,
            Key = key.Key,
            KeyStrength = key.Strength,
            ThirdShare = key.ThirdShare,
        };

        // A chunk keeps the track's tempo and key: ten seconds hold too few beats and chords to overrule them.
        var chunks = new List<SoundFeatures>();
        var start = 0.0;
        foreach (var chunk in audio.Chunks(chunkSeconds))
        {
            cancellationToken.ThrowIfCancellationRequested();
            chunks.Add(Measure(chunk, fine, envelope, start, chunk.Seconds) with
            {
                TempoBpm = track.TempoBpm,
                TempoConfidence = track.TempoConfidence,
                TempoAlternativeBpm = track.TempoAlternativeBpm,
                Key = track.Key,
                KeyStrength = track.KeyStrength,
                ThirdShare = track.ThirdShare,
            });
            start += chunk.Seconds;
        }

        return (track, chunks);
    }

    private static SoundFeatures Measure(MonoAudio audio, Spectrogram fine, float[] envelope, double startSeconds, double seconds)
    {
        var (first, last) = Frames(fine, startSeconds, seconds);
        var onsets = envelope.AsSpan(first, last - first);
        var timbre = Timbre(fine, first, last);
        return new SoundFeatures
        {
            TempoBpm = 0,
            Key = default,
            KeyStrength = 0,
            LoudnessDb = Decibels(MeanSquare(audio.Samples)),
            DynamicsDb = timbre.DynamicsDb,
            CentroidHertz = timbre.Centroid,
            Flatness = timbre.Flatness,
            BassShare = timbre.Bass,
            HighShare = timbre.High,
            OnsetsPerSecond = OnsetPeaks(onsets) / Math.Max(seconds, 1e-9),
            Percussiveness = timbre.MeanLevel > 0 ? Mean(onsets) / timbre.MeanLevel : 0,
        };
    }

    private static (int First, int Last) Frames(Spectrogram spectrogram, double startSeconds, double seconds)
    {
        var first = Math.Clamp((int)Math.Round(startSeconds / spectrogram.HopSeconds), 0, spectrogram.Frames.Length);
        var last = Math.Clamp((int)Math.Round((startSeconds + seconds) / spectrogram.HopSeconds), first, spectrogram.Frames.Length);
        return (first, last);
    }

    private readonly record struct TimbreSummary(double Centroid, double Flatness, double Bass, double High, double DynamicsDb, double MeanLevel);

    private static TimbreSummary Timbre(Spectrogram spectrogram, int first, int last)
    {
        var top = spectrogram.BinOf(OnsetHighestHertz);
        var bassBin = spectrogram.BinOf(BassHertz);
        var highBin = spectrogram.BinOf(HighHertz);
        double weighted = 0, total = 0, bass = 0, high = 0, flatness = 0, level = 0;
        var frameLevels = new List<double>(last - first);
        var frames = 0;

        // Every fourth frame: these are averages over seconds, and the logarithms are most of the stage's work.
        for (var f = first; f < last; f += TimbreStride)
        {
            frames++;
            var frame = spectrogram.Frames[f];
            double power = 0, logSum = 0, compressed = 0;
            for (var b = 1; b < frame.Length; b++)
            {
                var p = (double)frame[b] * frame[b];
                power += p;
                weighted += p * b * spectrogram.BinHertz;
                if (b < bassBin)
                {
                    bass += p;
                }
                else if (b >= highBin)
                {
                    high += p;
                }

                if (b <= top)
                {
                    logSum += Math.Log(p + 1e-12);
                    compressed += Math.Log(1 + (100 * frame[b]));
                }
            }

            total += power;
            flatness += Math.Exp(logSum / top) / (power / (frame.Length - 1) + 1e-12);
            level += compressed / top;
            frameLevels.Add(Decibels(power / (frame.Length - 1)));
        }

        frames = Math.Max(1, frames);
        var meanDb = frameLevels.Count > 0 ? frameLevels.Average() : 0;
        var spread = frameLevels.Count > 0 ? Math.Sqrt(frameLevels.Average(d => (d - meanDb) * (d - meanDb))) : 0;
        return total <= 0
            ? new TimbreSummary(0, 0, 0, 0, 0, 0)
            : new TimbreSummary(weighted / total, flatness / frames, bass / total, high / total, spread, level / frames);
    }

    /// <summary>Local maxima above the mean plus one standard deviation (and above the floor of any onset), at least
    /// 50 ms apart.</summary>
    private static int OnsetPeaks(ReadOnlySpan<float> envelope)
    {
        if (envelope.Length < 3)
        {
            return 0;
        }

        var mean = Mean(envelope);
        var variance = 0.0;
        foreach (var x in envelope)
        {
            variance += (x - mean) * (x - mean);
        }

        var threshold = Math.Max(OnsetEnvelope.Floor, mean + Math.Sqrt(variance / envelope.Length));
        var count = 0;
        var lastPeak = -1000;
        for (var i = 1; i + 1 < envelope.Length; i++)
        {
            if (envelope[i] > threshold && envelope[i] >= envelope[i - 1] && envelope[i] > envelope[i + 1] && i - lastPeak >= 4)
            {
                count++;
                lastPeak = i;
            }
        }

        return count;
    }

    private static double Mean(ReadOnlySpan<float> values)
    {
        var sum = 0.0;
        foreach (var x in values)
        {
            sum += x;
        }

        return values.Length == 0 ? 0 : sum / values.Length;
    }

    private static double MeanSquare(ReadOnlySpan<float> samples)
    {
        var sum = 0.0;
        foreach (var x in samples)
        {
            sum += x * x;
        }

        return samples.Length == 0 ? 0 : sum / samples.Length;
    }

    private static double Decibels(double meanSquare) => 10 * Math.Log10(meanSquare + 1e-12);
}
