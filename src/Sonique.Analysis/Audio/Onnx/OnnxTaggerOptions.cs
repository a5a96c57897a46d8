namespace Sonique.Analysis.Audio.Onnx;

/// <summary>
/// The ONNX backend of TagAudio: a music-tagging model and its labels, both brought by the user, and the mel
/// front end it was trained on. Each clip is tagged in 10 s chunks, as the original was; a chunk's activations
/// are the mean over its patches, the clip's the mean over its chunks. Tags are the classes at or above
/// <see cref="Threshold"/> (when set), best first, at most <see cref="TopK"/> (when set) and never more than
/// <see cref="MaxTags"/> with the tempo.
/// </summary>
public sealed record OnnxTaggerOptions
{
    /// <summary>The .onnx model: one float input of mel patches, one output of per-class activations.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The class names in output order: Essentia's metadata JSON, a JSON array, or one a line.</summary>
    public required string LabelsPath { get; init; }

    /// <summary>Keep at most this many of the strongest classes; null for no such limit.</summary>
    public int? TopK { get; init; } = 5;

    /// <summary>Keep only classes whose activation is at least this; null for no threshold.</summary>
    public double? Threshold { get; init; }

    /// <summary>The most tags a clip (or a chunk) gets, the tempo tag included, whatever the rule above lets through.</summary>
    public int MaxTags { get; init; } = 20;

    public double ChunkSeconds { get; init; } = 10;

    public MelFrontEndOptions FrontEnd { get; init; } = new();

    /// <summary>The order of the model input's axes.</summary>
    public MelLayout Layout { get; init; } = MelLayout.BatchFramesMels;

    /// <summary>The input to feed; null when the model has exactly one.</summary>
    public string? InputName { get; init; }

    /// <summary>The output holding the activations; null when the model has exactly one.</summary>
    public string? OutputName { get; init; }

    /// <summary>What turns the output into activations: none when the model ends in its own sigmoid or
    /// softmax, as Essentia's classifiers do; sigmoid or softmax when it emits logits.</summary>
    public OutputActivation Activation { get; init; } = OutputActivation.None;

    /// <summary>ONNX Runtime's threads per inference; null leaves its choice (one per core). Two clips are
    /// tagged at once, so half the cores each avoids oversubscribing them.</summary>
    public int? Threads { get; init; }

    internal void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(ModelPath), "the ONNX tagger's model path is empty");
        Require(!string.IsNullOrWhiteSpace(LabelsPath), "the ONNX tagger's labels path is empty");
        Require(TopK is null or >= 1, $"the ONNX tagger's top-k must be at least 1, not {TopK}");
        Require(Threshold is null || double.IsFinite(Threshold.Value), $"the ONNX tagger's threshold must be a number, not {Threshold}");
        Require(MaxTags >= 2, $"the ONNX tagger's max tags (the tempo included) must be at least 2, not {MaxTags}");
        Require(ChunkSeconds > 0 && double.IsFinite(ChunkSeconds), $"the ONNX tagger's chunk length must be above 0 s, not {ChunkSeconds}");
        Require(Threads is null or >= 1, $"the ONNX tagger's threads must be at least 1, not {Threads}");
        Require(Enum.IsDefined(Layout), $"the ONNX tagger's input layout {Layout} is not one it knows");
        Require(Enum.IsDefined(Activation), $"the ONNX tagger's output activation {Activation} is not one it knows");
        ArgumentNullException.ThrowIfNull(FrontEnd);
        FrontEnd.Validate();
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new OnnxTaggerLoadException(problem);
        }
    }
}

/// <summary>The axes of the model's input tensor, named in order. A channel axis (of size 1) is what a
/// convolutional model trained on images of spectrograms expects.</summary>
public enum MelLayout
{
    /// <summary>[batch, frames, mels]: Essentia's musicnn and EffNet-Discogs models.</summary>
    BatchFramesMels,

    /// <summary>[batch, mels, frames].</summary>
    BatchMelsFrames,

    /// <summary>[batch, 1, frames, mels].</summary>
    BatchChannelFramesMels,

    /// <summary>[batch, 1, mels, frames].</summary>
    BatchChannelMelsFrames,
}

/// <summary>The function applied to each row of the model's output.</summary>
public enum OutputActivation
{
    None,
    Sigmoid,
    Softmax,
}
