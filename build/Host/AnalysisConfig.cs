using System.Globalization;
using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Features;
using Sonique.Analysis.Audio.Onnx;
using Sonique.Analysis.Video.Features;
using Sonique.Analysis.Video.Vlm;

namespace Sonique.Build.Host;

public sealed class DescribeVideoConfig
{
    /// <summary>features (built in) or vlm (a vision-language GGUF with its projector).</summary>
    public string Backend { get; set; } = "features";

    /// <summary>Frames sampled uniformly over each clip (the original: 8).</summary>
    public int Frames { get; set; } = 8;

    /// <summary>features: frames per second decoded for motion and cuts.</summary>
    public double MotionFps { get; set; } = 8;

    public VlmConfig Vlm { get; set; } = new();

    public bool UsesVlm => Backend.Equals("vlm", StringComparison.OrdinalIgnoreCase);

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
    };

    /// <summary>What a description depends on; the model files themselves are item inputs, hashed by content.</summary>
    public IReadOnlyDictionary<string, string> Parameters() => UsesVlm
        ? new Dictionary<string, string>
        {
            ["backend"] = "vlm",
            ["frames"] = Invariant(Frames),
            ["prompt"] = Vlm.Prompt,
            ["max_tokens"] = Invariant(Vlm.MaxTokens),
            ["temperature"] = Invariant(Vlm.Temperature),
            ["top_p"] = Invariant(Vlm.TopP),
            ["top_k"] = Invariant(Vlm.TopK),
            ["seed"] = Invariant(Vlm.Seed),
        }
        : new Dictionary<string, string>
        {
            ["backend"] = "features",
            ["frames"] = Invariant(Frames),
            ["motion_fps"] = Invariant(MotionFps),
        };

    internal IEnumerable<string> Problems()
    {
        if (!UsesVlm && !Backend.Equals("features", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"describe_video.backend '{Backend}' is not one of features, vlm";
        }

        foreach (var problem in NumberRange.Problems(
            ("describe_video.frames", Frames, 1, 64),
            ("describe_video.motion_fps", MotionFps, 0.1, 60),
            ("describe_video.vlm.max_tokens", Vlm.MaxTokens, 1, 4096),
            ("describe_video.vlm.temperature", Vlm.Temperature, 0, 10),
            ("describe_video.vlm.top_p", Vlm.TopP, 0.01, 1),
            ("describe_video.vlm.top_k", Vlm.TopK, 0, 1000),
            // llama.cpp reads the top seed, 4294967295, as "random", which would make descriptions irreproducible.
            ("describe_video.vlm.seed", Vlm.Seed, 0, int.MaxValue),
            ("describe_video.vlm.context_size", Vlm.ContextSize, 256, 1_048_576)))
        {
            yield return problem;
        }

        if (UsesVlm && (string.IsNullOrWhiteSpace(Vlm.Model) || string.IsNullOrWhiteSpace(Vlm.Projector)))
        {
            yield return "describe_video.backend vlm needs describe_video.vlm.model and describe_video.vlm.projector";
        }
    }

    internal static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}

public sealed class VlmConfig
{
    public string? Model { get; set; }

    public string? Projector { get; set; }

    public string Prompt { get; set; } = VlmOptions.DefaultPrompt;

    public int MaxTokens { get; set; } = 512;

    public float Temperature { get; set; } = 1.0f;

    public float TopP { get; set; } = 0.9f;

    public int TopK { get; set; } = 50;

    public uint Seed { get; set; } = 1;

    public uint ContextSize { get; set; } = 8192;
}

public sealed class TagAudioConfig
{
    /// <summary>features (built in) or onnx (a music-tagging model with its labels).</summary>
    public string Backend { get; set; } = "features";

    /// <summary>Seconds per analysed chunk (the original: 10).</summary>
    public double ChunkSeconds { get; set; } = 10;

    /// <summary>The most tags per clip, the tempo tag included (the original: 20).</summary>
    public int MaxTags { get; set; } = 20;

    public OnnxConfig Onnx { get; set; } = new();

    public bool UsesOnnx => Backend.Equals("onnx", StringComparison.OrdinalIgnoreCase);

    public FeatureTaggerOptions ToFeatureOptions() => new() { ChunkSeconds = ChunkSeconds, MaxTags = MaxTags };

    public OnnxTaggerOptions ToOnnxOptions(Func<string, string> resolve) => new()
    {
        ModelPath = resolve(Onnx.Model ?? ""),
        LabelsPath = resolve(Onnx.Labels ?? ""),
        TopK = Onnx.TopK,
        Threshold = Onnx.Threshold,
        MaxTags = MaxTags - 1,
        ChunkSeconds = ChunkSeconds,
        Layout = Enum.Parse<MelLayout>(Onnx.Layout.Replace("_", "", StringComparison.Ordinal), ignoreCase: true),
        Activation = Enum.Parse<OutputActivation>(Onnx.Activation, ignoreCase: true),
        FrontEnd = new MelFrontEndOptions
        {
            SampleRate = Onnx.SampleRate,
            FftSize = Onnx.FftSize,
            Hop = Onnx.Hop,
            MelBands = Onnx.MelBands,
            PatchFrames = Onnx.PatchFrames,
            PatchHop = Onnx.PatchHop,
            Scale = Enum.Parse<MelScale>(Onnx.MelScale, ignoreCase: true),
            Compression = Enum.Parse<MelCompression>(Onnx.Compression.Replace("_", "", StringComparison.Ordinal), ignoreCase: true),
        },
    };

    public IReadOnlyDictionary<string, string> Parameters()
    {
        var values = new Dictionary<string, string>
        {
            ["backend"] = UsesOnnx ? "onnx" : "features",
            ["chunk_seconds"] = DescribeVideoConfig.Invariant(ChunkSeconds),
            ["max_tags"] = DescribeVideoConfig.Invariant(MaxTags),
        };
        if (UsesOnnx)
        {
            values["onnx"] = string.Join(";", Onnx.TopK, Onnx.Threshold, Onnx.Layout, Onnx.Activation, Onnx.SampleRate, Onnx.FftSize, Onnx.Hop, Onnx.MelBands, Onnx.PatchFrames, Onnx.PatchHop, Onnx.MelScale, Onnx.Compression);
        }

        return values;
    }

    internal IEnumerable<string> Problems()
    {
        if (!UsesOnnx && !Backend.Equals("features", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"tag_audio.backend '{Backend}' is not one of features, onnx";
        }

        foreach (var problem in NumberRange.Problems(
            ("tag_audio.chunk_seconds", ChunkSeconds, 1, 600),
            ("tag_audio.max_tags", MaxTags, 2, 100),
            ("tag_audio.onnx.top_k", Onnx.TopK, 1, 1000),
            ("tag_audio.onnx.threshold", Onnx.Threshold, 0, 1),
            ("tag_audio.onnx.sample_rate", Onnx.SampleRate, 8000, 192_000),
            ("tag_audio.onnx.fft_size", Onnx.FftSize, 64, 65_536),
            ("tag_audio.onnx.hop", Onnx.Hop, 1, Onnx.FftSize),
            ("tag_audio.onnx.mel_bands", Onnx.MelBands, 1, 512),
            ("tag_audio.onnx.patch_frames", Onnx.PatchFrames, 1, 100_000),
            ("tag_audio.onnx.patch_hop", Onnx.PatchHop, 1, Onnx.PatchFrames)))
        {
            yield return problem;
        }

        if (!UsesOnnx)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Onnx.Model) || string.IsNullOrWhiteSpace(Onnx.Labels))
        {
            yield return "tag_audio.backend onnx needs tag_audio.onnx.model and tag_audio.onnx.labels";
        }

        if (!Enum.TryParse<MelLayout>(Onnx.Layout.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out _))
        {
            yield return $"tag_audio.onnx.layout '{Onnx.Layout}' is not one of batch_frames_mels, batch_mels_frames, batch_channel_frames_mels, batch_channel_mels_frames";
        }

        if (!Enum.TryParse<OutputActivation>(Onnx.Activation, ignoreCase: true, out _))
        {
            yield return $"tag_audio.onnx.activation '{Onnx.Activation}' is not one of none, sigmoid, softmax";
        }

        if (!Enum.TryParse<MelScale>(Onnx.MelScale, ignoreCase: true, out _))
        {
            yield return $"tag_audio.onnx.mel_scale '{Onnx.MelScale}' is not one of slaney, htk";
        }

        if (!Enum.TryParse<MelCompression>(Onnx.Compression.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out _))
        {
            yield return $"tag_audio.onnx.compression '{Onnx.Compression}' is not one of shifted_log10, floored_log, none";
        }
    }
}

public sealed class OnnxConfig
{
    public string? Model { get; set; }

    public string? Labels { get; set; }

    public int? TopK { get; set; } = 5;

    public double? Threshold { get; set; }

    public string Layout { get; set; } = "batch_frames_mels";

    public string Activation { get; set; } = "none";

    public int SampleRate { get; set; } = 16000;

    public int FftSize { get; set; } = 512;

    public int Hop { get; set; } = 256;

    public int MelBands { get; set; } = 96;

    public int PatchFrames { get; set; } = 187;

    public int PatchHop { get; set; } = 93;

    public string MelScale { get; set; } = "slaney";

    public string Compression { get; set; } = "shifted_log10";
}
