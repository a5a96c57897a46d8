namespace Sonique.Analysis;

/// <summary>
/// A clip this library cannot analyse: it does not decode, lacks the stream needed, or a model fails on it. The
/// message is the reason as a user reads it. Only this clip is concerned, and the same file fails the same way again.
/// </summary>
public sealed class ClipAnalysisException(string reason, Exception? inner = null) : Exception(reason, inner);
