namespace Sonique.Analysis.Audio.Onnx;

/// <summary>
/// The ONNX tagger cannot start: a bad setting, a missing or unreadable model or labels file, or a model whose
/// input or output does not fit the front end and the labels. It concerns every clip, so the stage stops with
/// this message instead of failing clip by clip.
/// </summary>
public sealed class OnnxTaggerLoadException(string message, Exception? inner = null) : Exception(message, inner);
