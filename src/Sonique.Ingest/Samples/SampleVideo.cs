using System.Globalization;
using System.Text;

namespace Sonique.Ingest.Samples;

/// <summary>
/// A clip's picture as an ffmpeg filter graph: one gradients source per shot, in the shot's colours and at the
/// mood's speed, joined end to end by concat into a single output labelled <see cref="Output"/>. The gradients
/// are drawn at half size and scaled up: drawing is the costliest step, and a smooth gradient loses nothing.
/// </summary>
public static class SampleVideo
{
    public const string Output = "video";

    public static string FilterGraph(SampleClip clip, SampleVideoFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(format.FrameRate);
        if (format.Width <= 0 || format.Height <= 0 || format.Width % 2 != 0 || format.Height % 2 != 0)
        {
            throw new ArgumentException($"A picture of {format.Width}x{format.Height} cannot be yuv420p: both sides must be even and positive.", nameof(format));
        }

        var (drawWidth, drawHeight) = (Math.Max(2, format.Width / 2), Math.Max(2, format.Height / 2));
        var graph = new StringBuilder();
        var labels = new StringBuilder();
        for (var i = 0; i < clip.Shots.Count; i++)
        {
            var shot = clip.Shots[i];
            // gradients turns by "speed" radians per frame; the mood says radians per second.
            var speed = Math.Clamp(clip.Profile.RotationPerSecond * shot.SpeedFactor / format.FrameRate, 1e-5, 1.0);
            graph.Append(CultureInfo.InvariantCulture,
                $"gradients=s={drawWidth}x{drawHeight}:r={format.FrameRate}:d={Number(shot.Seconds)}:n={shot.Colours.Count}");
            for (var c = 0; c < shot.Colours.Count; c++)
            {
                graph.Append(CultureInfo.InvariantCulture, $":c{c}=0x{shot.Colours[c].TrimStart('#')}");
            }

            graph.Append(CultureInfo.InvariantCulture, $":type={shot.GradientType}:seed={shot.Seed}:speed={Number(speed)}[s{i}];");
            labels.Append(CultureInfo.InvariantCulture, $"[s{i}]");
        }

        graph.Append(labels).Append(CultureInfo.InvariantCulture, $"concat=n={clip.Shots.Count}:v=1:a=0,scale={format.Width}:{format.Height}:flags=bilinear,format=yuv420p[{Output}]");
        return graph.ToString();
    }

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
