using System.Text.Json;
using System.Text.Json.Serialization;
using Sonique.Files;

namespace Sonique.Training;

/// <summary>
/// Everything a trainer process needs, written as JSON for it: the base model, the train and validation JSONL,
/// the chat template, where the adapter goes, where checkpoints live between runs, and the settings.
/// </summary>
public sealed record TrainingJob
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Model { get; init; }

    public required string Train { get; init; }

    public string? Validation { get; init; }

    /// <summary>"auto", "chatml" or another llama.cpp template name (as generation uses).</summary>
    public string Template { get; init; } = "auto";

    /// <summary>The folder the trainer writes its adapter (and merged model) into.</summary>
    public required string Output { get; init; }

    public required string Checkpoints { get; init; }

    public FineTuneSettings Settings { get; init; } = new();

    /// <summary>CPU threads (ggml trainer); unset: one per logical processor.</summary>
    public int? Threads { get; init; }

    /// <summary>Also write the base model with the adapter folded in (ggml trainer).</summary>
    public bool Merge { get; init; }

    public const string AdapterFile = "adapter.gguf";

    public const string MergedFile = "merged.gguf";

    /// <summary>
    /// This job with every path inside <paramref name="workspace"/> written relative to it, and
    /// <paramref name="output"/> as the folder the adapter ends up in: what job.json records, the same wherever the
    /// workspace lies and whatever staging folder the run wrote into. A path outside the workspace (a configured
    /// model) stays as it is.
    /// </summary>
    public TrainingJob RelativeTo(WorkspaceFolder workspace, string output)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        string Relative(string path) => workspace.IsInside(path) ? workspace.Relative(path) : path;
        return this with
        {
            Model = Relative(Model),
            Train = Relative(Train),
            Validation = Validation is null ? null : Relative(Validation),
            Output = output,
            Checkpoints = Relative(Checkpoints),
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainingJob FromJson(string json) =>
        JsonSerializer.Deserialize<TrainingJob>(json, Json) ?? throw new InvalidDataException("the training job is empty");

    public async Task WriteAsync(string path, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, ToJson(), ct);
    }
}
