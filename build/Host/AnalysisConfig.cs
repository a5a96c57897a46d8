using Sonique.Analysis.Audio.Features;
using Sonique.Analysis.Audio.Onnx;
using Sonique.Analysis.Video.Features;
using Sonique.Analysis.Video.Vlm;
using Sonique.Engine;

namespace Sonique.Build.Host;

public enum DescribeBackend
{
    Features,
    Vlm,
}

public sealed class DescribeVideoConfig
{
    [Setting("`features` (built in) or `vlm` (a vision-language GGUF with its projector)")]
    public DescribeBackend Backend { get; set; } = DescribeBackend.Features;

    [Setting("frames sampled uniformly over each clip (colours; the VLM's input; the original: 8)", Min = 1, Max = 64)]
    public int Frames { get; set; } = 8;

    [Setting("`features`: frames per second decoded for motion and cuts", Min = 0.1, Max = 60)]
    [InCacheKeyWhen(nameof(Backend), DescribeBackend.Features)]
    public double MotionFps { get; set; } = 8;

    [InCacheKeyWhen(nameof(Backend), DescribeBackend.Vlm)]
    public VlmConfig Vlm { get; set; } = new();

    public bool UsesVlm => Backend == DescribeBackend.Vlm;

    public FeatureDescriberOptions ToFeatureOptions() => new() { Frames = Frames, MotionFramesPerSecond = MotionFps };

    public VlmOptions ToVlmOptions(Func<string, string> resolve) => new()
    {
        ModelPath = resolve(Vlm.Model ?? ""),
        ProjectorPath = resolve(Vlm.Projector ?? ""),
        Frames = Frames,
        Prompt = Vlm.Prompt,
        MaxTokens = Vlm.MaxTokens,
        Temperature = Vlm.Temperature,
        TopP = Vlm.TopP,
        TopK = Vlm.TopK,
        Seed = Vlm.Seed,
        ContextSize = Vlm.ContextSize,
        Threads = Vlm.Threads,
        FlashAttention = Vlm.FlashAttention.ToNullable(),
    };

    internal IEnumerable<string> Problems()
    {
        if (UsesVlm && (string.IsNullOrWhiteSpace(Vlm.Model) || string.IsNullOrWhiteSpace(Vlm.Projector)))
        {
            yield return "describe_video.backend vlm needs describe_video.vlm.model and describe_video.vlm.projector";
        }
    }
}

public sealed class VlmConfig
{
    [Setting("`vlm`: the GGUF model (absolute, or relative to the workspace); enters the stage's parameters by content hash", Example = "models/llava-v1.6-mistral-7b.Q4_K_M.gguf")]
    [ContentHashed]
    public string? Model { get; set; }

    [Setting("`vlm`: the model's mmproj projector GGUF; enters the stage's parameters by content hash", Example = "models/mmproj-model-f16.gguf")]
    [ContentHashed]
    public string? Projector { get; set; }

    [Setting("the prompt after the frames")]
    public string Prompt { get; set; } = VlmOptions.DefaultPrompt;

    [Setting("new tokens at most (the original: 512)", Min = 1, Max = 4096)]
    public int MaxTokens { get; set; } = 512;

    [Setting("sampling temperature (the original: 1.0)", Min = 0, Max = 10)]
    public float Temperature { get; set; } = 1.0f;

    [Setting("nucleus sampling's top-p (the original: 0.9)", Min = 0.01, Max = 1)]
    public float TopP { get; set; } = 0.9f;

    [Setting("top-k (transformers' default under the original; 0: off)", Min = 0, Max = 1000)]
    public int TopK { get; set; } = 50;

    // llama.cpp reads the top seed, 4294967295, as "random", which would make descriptions irreproducible.
    [Setting("the sampling seed: same seed, same description", Min = 0, Max = int.MaxValue)]
    public uint Seed { get; set; } = 1;

    [Setting("tokens the context holds: every frame's image tokens, the prompt and the answer", Min = 256, Max = 1_048_576)]
    public uint ContextSize { get; set; } = 8192;

    [Setting("CPU threads for the model and the projector (LLamaSharp's own default is half of them: `bench/RESULTS.md`, vlm)", Min = 1, Max = 1024, Unset = "one per logical processor", Example = "2")]
    [NotInCacheKey("llama.cpp gives each thread whole rows of a product, so the description does not depend on how many compute it (tested)")]
    public int? Threads { get; set; }

    // Another attention path may round differently, and the sampled tokens follow the rounding: so it is in the key.
    [Setting("`off`, `on` or `auto` (llama.cpp decides). Off: on CPU this llama.cpp build's flash-attention path made no description faster (`bench/RESULTS.md`, vlm); `auto` or `on` may pay with a GPU build")]
    public FlashAttentionMode FlashAttention { get; set; } = FlashAttentionMode.Off;
}

public enum TagBackend
{
    Features,
    Onnx,
}

public sealed class TagAudioConfig
{
    [Setting("`features` (built in) or `onnx` (a music-tagging model with its labels)")]
    public TagBackend Backend { get; set; } = TagBackend.Features;

    [Setting("the analysed chunk in seconds (the original: 10)", Min = 1, Max = 600)]
    public double ChunkSeconds { get; set; } = 10;

    [Setting("the most tags per clip, the tempo tag included (the original: 20)", Min = 2, Max = 100)]
    public int MaxTags { get; set; } = 20;

    [InCacheKeyWhen(nameof(Backend), TagBackend.Onnx)]
    public OnnxConfig Onnx { get; set; } = new();

    public bool UsesOnnx => Backend == TagBackend.Onnx;

    public FeatureTaggerOptions ToFeatureOptions() => new() { ChunkSeconds = ChunkSeconds, MaxTags = MaxTags };

    public OnnxTaggerOptions ToOnnxOptions(Func<string, string> resolve) => new()
    {
        ModelPath = resolve(Onnx.Model ?? ""),
        LabelsPath = resolve(Onnx.Labels ?? ""),
        TopK = Onnx.TopK,
        Threshold = Onnx.Threshold,
        MaxTags = MaxTags,
        ChunkSeconds = ChunkSeconds,
        Layout = Onnx.Layout,
        Activation = Onnx.Activation,
        OutputName = Onnx.Output,
        FrontEnd = new MelFrontEndOptions
        {
            SampleRate = Onnx.SampleRate,
            FftSize = Onnx.FftSize,
            Hop = Onnx.Hop,
            MelBands = Onnx.MelBands,
            PatchFrames = Onnx.PatchFrames,
            PatchHop = Onnx.PatchHop,
            Scale = Onnx.MelScale,
            Compression = Onnx.Compression,
        },
    };

    internal IEnumerable<string> Problems()
    {
        if (UsesOnnx && (string.IsNullOrWhiteSpace(Onnx.Model) || string.IsNullOrWhiteSpace(Onnx.Labels)))
        {
            yield return "tag_audio.backend onnx needs tag_audio.onnx.model and tag_audio.onnx.labels";
        }
    }
}

public sealed class OnnxConfig
{
    [Setting("`onnx`: the music-tagging model (for example an Essentia model); enters the stage's parameters by content hash", Example = "models/discogs-effnet-bsdynamic-1.onnx")]
    [ContentHashed]
    public string? Model { get; set; }

    [Setting("`onnx`: its labels (the Essentia metadata JSON's `classes`, a JSON array, or one label per line); enters the stage's parameters by content hash", Example = "models/discogs-effnet-bsdynamic-1.json")]
    [ContentHashed]
    public string? Labels { get; set; }

    [Setting("keep at most the top k classes (after the threshold)", Min = 1, Max = 1000, Unset = "no limit")]
    public int? TopK { get; set; } = 5;

    [Setting("keep classes at or above this activation", Min = 0, Max = 1, Unset = "none", Example = "0.1")]
    public double? Threshold { get; set; }

    [Setting("the model's input layout")]
    public MelLayout Layout { get; set; } = MelLayout.BatchFramesMels;

    [Setting("on the outputs, for models that give logits")]
    public OutputActivation Activation { get; set; } = OutputActivation.None;

    [Setting("the model output that scores the labels, for a model with several whose widths do not tell (by default the one as wide as the labels)", Unset = "by width", Example = "activations")]
    public string? Output { get; set; }

    [Setting("the mel front end's sample rate (Essentia's musicnn defaults throughout)", Min = 8000, Max = 192_000)]
    public int SampleRate { get; set; } = 16000;

    [Setting("samples per frame and FFT size", Min = 64, Max = 65_536)]
    public int FftSize { get; set; } = 512;

    [Setting("samples from one frame to the next", Min = 1, Max = 65_536, AtMost = nameof(FftSize))]
    public int Hop { get; set; } = 256;

    [Setting("mel bands", Min = 1, Max = 512)]
    public int MelBands { get; set; } = 96;

    [Setting("frames per model input (EffNet-Discogs: 128)", Min = 1, Max = 100_000)]
    public int PatchFrames { get; set; } = 187;

    [Setting("frames from one patch to the next (EffNet-Discogs: 62)", Min = 1, Max = 100_000, AtMost = nameof(PatchFrames))]
    public int PatchHop { get; set; } = 93;

    [Setting("how hertz map to mels")]
    public MelScale MelScale { get; set; } = MelScale.Slaney;

    [Setting("`shifted_log10` (log10(1 + 10000 x)), `floored_log` or `none`")]
    public MelCompression Compression { get; set; } = MelCompression.ShiftedLog10;
}
