using System.Text.Json;
using System.Text.Json.Serialization;
using Sonique.Gguf;

namespace Sonique.Llm.BaseModels;

/// <summary>
/// Which GGUF the later stages start from, with the facts they check before use. <see cref="Path"/> is relative to
/// the workspace for a model the pipeline made (so the manifest is the same on every machine), absolute for one a
/// user brings.
/// </summary>
public sealed record BaseModelManifest(string Path, string Name, string Architecture, int ContextLength, long Parameters, string Source)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Reads a model's header and describes it; a LoRA adapter or a file without an architecture is refused.</summary>
    public static async Task<BaseModelManifest> DescribeAsync(string path, string recordedPath, string source, CancellationToken cancellationToken)
    {
        var file = await GgufFile.ReadAsync(path, cancellationToken);
        if (file.TryGet("general.type")?.Raw as string == "adapter")
        {
            throw new InvalidDataException($"The base model '{path}' is a LoRA adapter, not a model.");
        }

        var architecture = file.Architecture ?? throw new InvalidDataException($"The base model '{path}' has no general.architecture: it is not a language model GGUF.");
        var context = file.TryGet($"{architecture}.context_length")?.AsInt64() ?? 0;
        var name = file.TryGet("general.name")?.Raw as string ?? System.IO.Path.GetFileNameWithoutExtension(path);
        var parameters = file.Tensors.Sum(t => t.ElementCount) - (await IsTiedCopyAsync(file, cancellationToken) ? file.Tensor("output.weight").ElementCount : 0);
        return new BaseModelManifest(recordedPath, name, architecture, (int)context, parameters, source);
    }

    /// <summary>Whether output.weight is the embedding written out again (a tied classifier): it counts once.</summary>
    private static async Task<bool> IsTiedCopyAsync(GgufFile file, CancellationToken cancellationToken)
    {
        if (file.TryGetTensor("output.weight") is not { } output || file.TryGetTensor("token_embd.weight") is not { } embedding
            || output.Type != embedding.Type || !output.Dimensions.SequenceEqual(embedding.Dimensions))
        {
            return false;
        }

        var a = await file.ReadTensorBytesAsync(output, cancellationToken);
        var b = await file.ReadTensorBytesAsync(embedding, cancellationToken);
        return a.AsSpan().SequenceEqual(b);
    }

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var text = JsonSerializer.Serialize(this, Json).ReplaceLineEndings("\n") + "\n";
        await File.WriteAllTextAsync(path, text, cancellationToken);
    }

    public static async Task<BaseModelManifest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<BaseModelManifest>(stream, Json, cancellationToken)
            ?? throw new InvalidDataException($"The base model manifest '{path}' is empty.");
    }

    /// <summary>The model's file on this machine.</summary>
    public string Resolve(string workspaceRoot) => System.IO.Path.GetFullPath(Path, workspaceRoot);
}
