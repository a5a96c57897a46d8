using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sonique.Training.Peft;

/// <summary>
/// Runs the Python LoRA / QLoRA trainer (trainer/sonique_peft.py: transformers and peft, bitsandbytes when present)
/// in a local Python environment or in the container its Dockerfile builds, then converts the peft adapter it
/// saves into a GGUF LoRA for llama.cpp. The trainer streams the same JSON-line metrics as the ggml trainer.
/// </summary>
public sealed record PeftRunner(string Runner, string Python, string Docker, string Image, string Model)
{
    public const string AdapterFolder = "peft-adapter";

    /// <summary>The trainer's files, copied beside the assembly at build time.</summary>
    public static string TrainerFolder => Path.Combine(AppContext.BaseDirectory, "peft-trainer");

    public static string Script => Path.Combine(TrainerFolder, "sonique_peft.py");

    public bool InDocker => Runner.Equals("docker", StringComparison.OrdinalIgnoreCase);

    public async Task RunAsync(TrainingJob job, string jobFile, Action<TrainingEvent> emit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var output = Path.GetFullPath(job.Output);
        var data = Directory.CreateDirectory(Path.Combine(output, "data")).FullName;
        File.Copy(job.Train, Path.Combine(data, "train.jsonl"), overwrite: true);
        if (job.Validation is not null)
        {
            File.Copy(job.Validation, Path.Combine(data, "validation.jsonl"), overwrite: true);
        }

        // Paths as the trainer sees them: the container mounts the output folder at /job and the model at /model.
        var root = InDocker ? "/job" : output;
        var model = InDocker ? "/model" : Model;
        var peftJob = new JsonObject
        {
            ["model"] = model,
            ["train"] = $"{root}/data/train.jsonl",
            ["validation"] = job.Validation is null ? null : $"{root}/data/validation.jsonl",
            ["template"] = job.Template,
            ["output"] = $"{root}/{AdapterFolder}",
            ["checkpoints"] = $"{root}/checkpoints",
            ["settings"] = JsonNode.Parse(JsonSerializer.Serialize(job.Settings, SnakeCase)),
        };
        var peftJobFile = Path.Combine(output, "peft-job.json");
        await File.WriteAllTextAsync(peftJobFile, peftJob.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);

        var (executable, arguments) = InDocker
            ? (Docker, (IReadOnlyList<string>)["run", "--rm", "--gpus", "all", "-v", $"{output}:/job", "-v", $"{Path.GetFullPath(Model)}:/model:ro", Image, "python", "/app/sonique_peft.py", "--job", "/job/peft-job.json"])
            : (Python, [Script, "--job", peftJobFile]);
        await TrainerProcess.RunAsync("peft", executable, arguments, output, emit, ct, new Dictionary<string, string?> { ["PYTHONUNBUFFERED"] = "1" });

        var adapter = Path.Combine(output, AdapterFolder);
        await PeftAdapterGguf.ConvertAsync(adapter, Path.Combine(output, TrainingJob.AdapterFile), job.Model, ct);
    }

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
