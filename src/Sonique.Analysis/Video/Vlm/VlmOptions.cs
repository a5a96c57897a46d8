namespace Sonique.Analysis.Video.Vlm;

/// <summary>
/// The vision-language backend of DescribeVideo: a GGUF language model and its multimodal projector (mmproj
/// GGUF), both brought by the user. The defaults are the original's (Video-LLaMA-2): 8 frames sampled uniformly
/// at 224x224, top-p 0.9 (with transformers' top-k 50), temperature 1.0, up to 512 new tokens; the seed makes a
/// rerun say the same thing.
/// </summary>
public sealed record VlmOptions
{
    public const string DefaultPrompt = "Describe the scene in detail.";

    /// <summary>The language model GGUF (the one whose architecture is not "clip").</summary>
    public required string ModelPath { get; init; }

    /// <summary>The multimodal projector GGUF (mmproj; its architecture is "clip") made for that model.</summary>
    public required string ProjectorPath { get; init; }

    /// <summary>How many frames are taken from each clip, one from the middle of each of as many equal spans.</summary>
    public int Frames { get; init; } = 8;

    /// <summary>Frames are scaled to this many pixels square before the projector sees them; null: the projector's own
    /// image size (<c>clip.vision.image_size</c>), so llama.cpp does not resize them again.</summary>
    public int? FrameSize { get; init; }

    /// <summary>What the model is asked, after the frames.</summary>
    public string Prompt { get; init; } = DefaultPrompt;

    public int MaxTokens { get; init; } = 512;

    public float Temperature { get; init; } = 1.0f;

    public float TopP { get; init; } = 0.9f;

    /// <summary>The original's generate call named no top-k, so transformers' default of 50 applied; 0 turns it off.</summary>
    public int TopK { get; init; } = 50;

    public uint Seed { get; init; } = 1;

    /// <summary>Tokens the context holds: every frame's image tokens, the prompt and <see cref="MaxTokens"/> must fit.</summary>
    public uint ContextSize { get; init; } = 8192;

    /// <summary>CPU threads for the model and the projector; null: one per logical processor (LLamaSharp's own
    /// default is half of them).</summary>
    public int? Threads { get; init; }

    /// <summary>Off by default, as for the tag generator; null leaves it to llama.cpp. See bench/RESULTS.md ("vlm").</summary>
    public bool? FlashAttention { get; init; } = false;

    internal void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(ModelPath), "the VLM model path is empty");
        Require(!string.IsNullOrWhiteSpace(ProjectorPath), "the VLM projector path is empty");
        Require(Frames is >= 1 and <= 64, $"VLM frames must be between 1 and 64, not {Frames}");
        Require(FrameSize is null or (>= 16 and <= 4096), $"VLM frame size must be between 16 and 4096 pixels, not {FrameSize}");
        Require(!string.IsNullOrWhiteSpace(Prompt), "the VLM prompt is empty");
        Require(MaxTokens >= 1, $"VLM max tokens must be at least 1, not {MaxTokens}");
        Require(Temperature >= 0 && float.IsFinite(Temperature), $"VLM temperature must be 0 or more, not {Temperature}");
        Require(TopP is > 0 and <= 1, $"VLM top-p must be above 0 and at most 1, not {TopP}");
        Require(TopK >= 0, $"VLM top-k must be 0 (off) or more, not {TopK}");
        Require(ContextSize >= 256, $"VLM context size must be at least 256 tokens, not {ContextSize}");
        Require(Threads is null or >= 1, $"VLM threads must be at least 1, not {Threads}");
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new VlmLoadException(problem);
        }
    }
}
