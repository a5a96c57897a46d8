namespace Sonique.Analysis.Video.Vlm;

/// <summary>
/// The VLM backend cannot start: a bad setting, a missing or wrong model file, or a native load that failed.
/// It concerns every clip, so the stage stops with this message instead of failing clip by clip.
/// </summary>
public sealed class VlmLoadException(string message, Exception? inner = null) : Exception(message, inner);
