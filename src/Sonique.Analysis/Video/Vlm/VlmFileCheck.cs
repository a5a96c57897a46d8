using Sonique.Gguf;

namespace Sonique.Analysis.Video.Vlm;

/// <summary>
/// Checks the model and projector files before any native call: llama.cpp reports a missing, foreign or swapped
/// file as a bare "failed to load", or aborts the process, so each of those is named here with the path.
/// </summary>
internal static class VlmFileCheck
{
    /// <summary>What llama.cpp's converters write as the architecture of a multimodal projector (mmproj).</summary>
    public const string ProjectorArchitecture = "clip";

    public static async Task CheckAsync(string modelPath, string projectorPath, CancellationToken cancellationToken)
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
