namespace Sonique.Analysis.Video.Vlm;

/// <summary>One description's time: sampling the frames (ffmpeg), reading them (the projector encodes each frame and
/// the language model evaluates the image tokens and the prompt), then generating <paramref name="Tokens"/> tokens.</summary>
public sealed record VlmTimings(TimeSpan Sampling, TimeSpan Reading, TimeSpan Generating, int Tokens);
