namespace Sonique.Analysis.Video;

/// <summary>A DescribeVideo backend: one clip's video file in, a plain-language scene description out.</summary>
public interface ISceneDescriber
{
    /// <summary>Short, stable name recorded with the description ("features", "vlm").</summary>
    string Name { get; }

    Task<SceneDescription> DescribeAsync(string videoPath, CancellationToken cancellationToken);
}
