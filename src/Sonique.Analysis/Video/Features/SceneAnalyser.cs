namespace Sonique.Analysis.Video.Features;

/// <summary>
/// Measures <see cref="SceneFeatures"/> from a <see cref="SampledFrames"/>: colours, brightness and saturation on
/// frames sampled uniformly over the clip (the original's 8 frames); motion and cuts on every frame of the stream.
/// </summary>
public static class SceneAnalyser
{
    private const double MinimumShare = 0.10;

    /// <summary>A frame whose colour histogram moves by more than this (half the L1 distance, 0 to 1) is a cut.</summary>
    private const double CutDistance = 0.5;

    private const double CutJump = 2.5;

    private const double CutFloor = 6;

    private const int Neighbourhood = 4;

    public static SceneFeatures Analyse(SampledFrames frames, int sampledFrames)
    {
        var counts = new double[ColourNames.All.Count];
        double luma = 0, saturation = 0, pixels = 0;
        foreach (var index in Uniform(frames.Count, sampledFrames))
        {
            var frame = frames.Frame(index);
            for (var p = 0; p < frame.Length; p += 3)
            {
                var (r, g, b) = (frame[p], frame[p + 1], frame[p + 2]);
                counts[ColourNames.Nearest(r, g, b)]++;
                luma += (0.299 * r) + (0.587 * g) + (0.114 * b);
                var (max, min) = (Math.Max(r, Math.Max(g, b)), Math.Min(r, Math.Min(g, b)));
                saturation += max == 0 ? 0 : (double)(max - min) / max;
                pixels++;
            }
        }

        var colours = counts
            .Select((count, i) => (Name: ColourNames.All[i], Share: count / pixels))
            .Where(c => c.Share >= MinimumShare)
            .OrderByDescending(c => c.Share)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();

        var (motion, cuts) = MotionAndCuts(frames);
        return new SceneFeatures
        {
            Colours = colours,
            Brightness = luma / pixels,
            Saturation = saturation / pixels,
            Motion = motion,
            Cuts = cuts,
            Seconds = frames.Seconds,
        };
    }

    /// <summary>The middle frame of each of <paramref name="wanted"/> equal spans (all frames when there are fewer).</summary>
    private static IEnumerable<int> Uniform(int count, int wanted)
    {
        var spans = Math.Clamp(wanted, 1, count);
        return Enumerable.Range(0, spans).Select(i => (int)((i + 0.5) * count / spans));
    }

    /// <summary>
    /// A cut is a jump: the picture's change from one frame to the next at least <see cref="CutJump"/> times the
    /// change around it (the median over four frames each side) and visible on its own (at least
    /// <see cref="CutFloor"/> levels per pixel), or a colour histogram that moves by more than
    /// <see cref="CutDistance"/>. Comparing with the local change keeps fast camera work from reading as cuts.
    /// </summary>
    private static (double Motion, IReadOnlyList<double> Cuts) MotionAndCuts(SampledFrames frames)
    {
        var changes = new double[frames.Count];
        var distances = new double[frames.Count];
        var previous = Histogram(frames.Frame(0));
        for (var i = 1; i < frames.Count; i++)
        {
            var histogram = Histogram(frames.Frame(i));
            for (var k = 0; k < histogram.Length; k++)
            {
                distances[i] += Math.Abs(histogram[k] - previous[k]) / 2;
            }

            changes[i] = MeanAbsoluteDifference(frames.Frame(i - 1), frames.Frame(i));
            previous = histogram;
        }

        var cuts = new List<double>();
        var motion = 0.0;
        var steps = 0;
        for (var i = 1; i < frames.Count; i++)
        {
            var around = Enumerable.Range(i - Neighbourhood, (2 * Neighbourhood) + 1)
                .Where(j => j >= 1 && j < frames.Count && j != i)
                .Select(j => changes[j])
                .Order()
                .ToList();
            var local = around.Count > 0 ? around[around.Count / 2] : 0;
            if ((changes[i] >= CutFloor && changes[i] >= CutJump * local) || distances[i] > CutDistance)
            {
                cuts.Add(i / frames.FramesPerSecond);
            }
            else
            {
                motion += changes[i];
                steps++;
            }
        }

        return (steps == 0 ? 0 : motion / steps * frames.FramesPerSecond, cuts);
    }

    /// <summary>Share of pixels in each of 4x4x4 RGB cells.</summary>
    private static double[] Histogram(ReadOnlySpan<byte> frame)
    {
        var histogram = new double[64];
        var share = 3.0 / frame.Length;
        for (var p = 0; p < frame.Length; p += 3)
        {
            histogram[((frame[p] >> 6) << 4) | ((frame[p + 1] >> 6) << 2) | (frame[p + 2] >> 6)] += share;
        }

        return histogram;
    }

    private static double MeanAbsoluteDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return (double)sum / a.Length;
    }
}
