using Sonique.Gguf;

namespace Sonique.Analysis.Video.Vlm;

/// <summary>
/// Checks the model and projector files before any native call: llama.cpp reports a missing, foreign or swapped
/// file as a bare "failed to load", or aborts the process (a projector without its <c>clip.*</c> keys trips an
/// assertion), so each of those is named here with the path.
/// </summary>
internal static class VlmFileCheck
{
    private const string VisionEncoderKey = "clip.has_vision_encoder";

    /// <summary>What clip.cpp reads unconditionally for a vision projector (tools/mtmd/clip-impl.h).</summary>
    private static readonly string[] RequiredProjectorKeys =
    [
        "clip.vision.image_size", "clip.vision.patch_size", "clip.vision.embedding_length", "clip.vision.feed_forward_length",
        "clip.vision.block_count", "clip.vision.attention.head_count", "clip.vision.attention.layer_norm_epsilon",
        "clip.vision.image_mean", "clip.vision.image_std",
    ];

    /// <summary>
    /// Where each projector type's output size (the embedding it hands the language model) is stored: the tensor and its
    /// dimension, as clip.cpp's clip_n_mmproj_embd reads it. A type not listed is left to llama.cpp's own check.
    /// </summary>
    private static readonly Dictionary<string, (string Tensor, int Dimension)> ProjectorOutputs = new(StringComparer.Ordinal)
    {
        ["mlp"] = ("mm.2.weight", 1),
        ["mlp_norm"] = ("mm.3.bias", 0),
        ["ldpv2"] = ("mm.model.peg.0.bias", 0),
        ["idefics3"] = ("mm.model.fc.weight", 1),
        ["qwen2vl_merger"] = ("mm.2.weight", 1),
        ["qwen2.5vl_merger"] = ("mm.2.weight", 1),
        ["gemma3"] = ("mm.input_projection.weight", 0),
        ["internvl"] = ("mm.model.mlp.3.weight", 1),
        ["lfm2"] = ("mm.2.weight", 1),
    };

    /// <summary>What llama.cpp's converters write as the architecture of a multimodal projector (mmproj).</summary>
    public const string ProjectorArchitecture = "clip";

    /// <summary>The projector's square input size in pixels, once both files passed.</summary>
    public static async Task<int> CheckAsync(string modelPath, string projectorPath, CancellationToken cancellationToken)
    {
        var model = await ReadAsync("model", modelPath, cancellationToken);
        var projector = await ReadAsync("projector", projectorPath, cancellationToken);
        var modelIsProjector = model.Architecture == ProjectorArchitecture;
        var projectorIsProjector = projector.Architecture == ProjectorArchitecture;

        if (modelIsProjector && !projectorIsProjector && projector.Architecture is not null)
        {
            throw new VlmLoadException(
                $"The VLM model and projector are swapped: the model '{modelPath}' is a multimodal projector (GGUF architecture " +
                $"'{ProjectorArchitecture}') and the projector '{projectorPath}' is a language model (architecture '{projector.Architecture}').");
        }

        if (modelIsProjector)
        {
            throw new VlmLoadException(
                $"The VLM model '{modelPath}' is a multimodal projector (GGUF architecture '{ProjectorArchitecture}'), not a language model: " +
                "give the language model GGUF as the model and this file as the projector.");
        }

        if (model.Architecture is null)
        {
            throw new VlmLoadException(
                $"The VLM model '{modelPath}' is not a language model GGUF: its header has no {GgufFile.ArchitectureKey}.");
        }

        if (!projectorIsProjector)
        {
            var what = projector.Architecture is null
                ? $"its header has no {GgufFile.ArchitectureKey}"
                : $"it is a language model (GGUF architecture '{projector.Architecture}')";
            throw new VlmLoadException(
                $"The VLM projector '{projectorPath}' is not a multimodal projector: {what}. The projector is the mmproj GGUF " +
                $"(architecture '{ProjectorArchitecture}') published with the model.");
        }

        return CheckPair(model, projector);
    }

    private static int CheckPair(GgufFile model, GgufFile projector)
    {
        var missing = RequiredProjectorKeys.Where(k => projector.TryGet(k) is null).ToList();
        if (projector.TryGet(VisionEncoderKey) is { } vision && vision.Raw is bool hasVision && !hasVision)
        {
            throw new VlmLoadException($"The VLM projector '{projector.Path}' has no vision encoder ({VisionEncoderKey} is false), so it cannot see frames.");
        }

        if (missing.Count > 0)
        {
            throw new VlmLoadException(
                $"The VLM projector '{projector.Path}' lacks the vision metadata llama.cpp needs: {string.Join(", ", missing)}.");
        }

        var imageSize = Positive(projector, "clip.vision.image_size");
        var patchSize = Positive(projector, "clip.vision.patch_size");
        if (imageSize % patchSize != 0)
        {
            throw new VlmLoadException($"The VLM projector '{projector.Path}' has images of {imageSize} pixels, which its {patchSize}-pixel patches do not divide.");
        }

        var architecture = model.Architecture!;
        var embedding = Positive(model, $"{architecture}.embedding_length");
        var type = (projector.TryGet("clip.projector_type") ?? projector.TryGet("clip.vision.projector_type"))?.Raw as string ?? "mlp";
        if (ProjectorOutputs.TryGetValue(type, out var output))
        {
            var tensor = projector.TryGetTensor(output.Tensor) ?? throw new VlmLoadException(
                $"The VLM projector '{projector.Path}' of type '{type}' has no tensor {output.Tensor}, which holds its output.");
            var size = tensor.Dimensions.Count > output.Dimension ? tensor.Dimensions[output.Dimension] : 0;
            if (size != embedding)
            {
                throw new VlmLoadException(
                    $"The VLM projector '{projector.Path}' gives embeddings of {size} values ({output.Tensor}) but the model '{model.Path}' " +
                    $"reads {embedding} ({architecture}.embedding_length): they are not made for each other.");
            }
        }

        return imageSize;
    }

    private static int Positive(GgufFile file, string key)
    {
        var value = file.TryGet(key) ?? throw new VlmLoadException($"The VLM file '{file.Path}' has no {key}.");
        long number;
        try
        {
            number = value.AsInt64();
        }
        catch (InvalidCastException)
        {
            throw new VlmLoadException($"The VLM file '{file.Path}' has {key} = {value}, not a whole number.");
        }

        return number is > 0 and <= int.MaxValue
            ? (int)number
            : throw new VlmLoadException($"The VLM file '{file.Path}' has {key} = {number}, not a positive size.");
    }

    private static async Task<GgufFile> ReadAsync(string role, string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            throw new VlmLoadException($"The VLM {role} '{path}' is a folder; it must be a GGUF file.");
        }

        if (!File.Exists(path))
        {
            throw new VlmLoadException($"The VLM {role} file '{path}' does not exist.");
        }

        try
        {
            return await GgufFile.ReadAsync(path, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new VlmLoadException($"The VLM {role} '{path}' is not a usable GGUF file: {e.Message}.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VlmLoadException($"The VLM {role} '{path}' cannot be read: {e.Message}", e);
        }
    }
}
