using Sonique.Media;

namespace Sonique.Analysis.Video.Features;

/// <summary>The `features` DescribeVideo backend: measured colours, light, motion and cuts, put into words.
/// Deterministic: the same clip gives the same description.</summary>
public sealed class FeatureDescriber(Ffmpeg ffmpeg, FeatureDescriberOptions options) : ISceneDescriber
{
    public string Name => "features";

    public async Task<SceneDescription> DescribeAsync(string videoPath, CancellationToken cancellationToken)
    {
        var frames = await SampledFrames.ReadAsync(ffmpeg, videoPath, options.MotionFramesPerSecond, options.Width, options.Height, cancellationToken);
        var scene = SceneAnalyser.Analyse(frames, options.Frames);
        return new SceneDescription { Text = SceneWording.Describe(scene), Details = scene.ToDetails() };
    }
}
