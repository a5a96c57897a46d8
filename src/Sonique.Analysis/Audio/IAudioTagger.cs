namespace Sonique.Analysis.Audio;

/// <summary>A TagAudio backend: one clip's audio file in, its music tags and tempo out.</summary>
public interface IAudioTagger
{
    /// <summary>Short, stable name recorded with the tags ("features", "onnx").</summary>
    string Name { get; }

    Task<AudioTags> TagAsync(string audioPath, CancellationToken cancellationToken);
}
