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

    public async Task RunAsync(TrainingJob job, Action<TrainingEvent> emit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var output = Path.GetFullPath(job.Output);
        var runner = this;
        if (string.IsNullOrWhiteSpace(Model))
        {
            // No Hugging Face model named: train the base model itself, exported from its GGUF by our code.
            var exported = Path.Combine(output, ExportedModelFolder);
            emit(new TrainingEvent(TrainingEvent.Note) { Reason = $"finetune.peft.model is unset: training the base model exported from '{job.Model}' to '{exported}'" });
            await HfLlamaExport.WriteAsync(job.Model, exported, Sonique.Gguf.GgmlType.F32, ct);
            runner = this with { Model = exported };
        }

        await runner.RunPreparedAsync(job, output, emit, ct);
    }

    /// <summary>Where the base model's Hugging Face export goes when finetune.peft.model is unset.</summary>
    public const string ExportedModelFolder = "hf-base";

    private async Task RunPreparedAsync(TrainingJob job, string output, Action<TrainingEvent> emit, CancellationToken ct)
    {
        var modelIsFolder = Directory.Exists(Model);

        var checkpoints = Directory.CreateDirectory(job.Checkpoints).FullName;

        // Paths as the trainer sees them: the container mounts the output folder at /job, the checkpoints (kept
        // between runs) at /checkpoints and a model folder at /model.
        await PrepareAsync(job, InDocker && modelIsFolder ? "/model" : Model, InDocker ? "/job" : output, InDocker ? "/checkpoints" : checkpoints, emit, ct);
        var (executable, arguments) = InDocker
            ? (Docker, (IReadOnlyList<string>)["run", "--rm", "--gpus", "all", "-v", $"{output}:/job", "-v", $"{checkpoints}:/checkpoints", .. modelIsFolder ? new[] { "-v", $"{Model}:/model:ro" } : [], Image, "python", "/app/sonique_peft.py", "--job", "/job/" + JobFile])
            : (Python, [Script, "--job", Path.Combine(output, JobFile)]);
        await TrainerProcess.RunAsync("peft", executable, arguments, output, emit, ct, new Dictionary<string, string?> { ["PYTHONUNBUFFERED"] = "1" });

        var adapter = Path.Combine(output, AdapterFolder);
        await PeftAdapterGguf.ConvertAsync(adapter, Path.Combine(output, TrainingJob.AdapterFile), job.Model, ct);
    }

    public const string JobFile = "peft-job.json";

    /// <summary>
    /// Writes the trainer's job into the output folder: the token ids (<see cref="TokenizeAsync"/>) under data/, and
    /// peft-job.json naming them, the model and the settings, with paths under <paramref name="root"/> (the output
    /// folder as the trainer sees it). Returns the job file's path.
    /// </summary>
    public static async Task<string> PrepareAsync(TrainingJob job, string model, string root, string checkpoints, Action<TrainingEvent> emit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var output = Path.GetFullPath(job.Output);
        var data = Directory.CreateDirectory(Path.Combine(output, "data")).FullName;
        var hasValidation = await TokenizeAsync(job, data, emit, ct);

        // A checkpoint folder per run identity (model, tokens, settings), so a resumed run never picks up another's.
        var identity = Sonique.Engine.Hashing.ContentHash.Of(string.Join(
            "\n",
            model,
            job.Settings.ToJsonText(),
            Sonique.Engine.Hashing.FileHasher.Hash(Path.Combine(data, TrainTokens), ct).ToString(),
            hasValidation ? Sonique.Engine.Hashing.FileHasher.Hash(Path.Combine(data, ValidationTokens), ct).ToString() : "-")).ToString();
        var peftJob = new JsonObject
        {
            ["model"] = model,
            ["train"] = $"{root}/data/{TrainTokens}",
            ["validation"] = hasValidation ? $"{root}/data/{ValidationTokens}" : null,
            ["template"] = job.Template,
            ["output"] = $"{root}/{AdapterFolder}",
            ["checkpoints"] = $"{checkpoints}/peft-{identity}",
            ["settings"] = JsonNode.Parse(JsonSerializer.Serialize(job.Settings, SnakeCase)),
        };
        var path = Path.Combine(output, JobFile);
        await File.WriteAllTextAsync(path, peftJob.ToJsonString(Indented), ct);
        return path;
    }

    public const string TrainTokens = "train.tokens.jsonl";
    public const string ValidationTokens = "validation.tokens.jsonl";

    /// <summary>
    /// The examples as token ids, rendered and tokenised by the code the ggml trainer and generation use (the GGUF's
    /// vocabulary, llama.cpp's chat template), so the Python side trains on exactly the tokens inference sees.
    /// Returns whether there is a validation split.
    /// </summary>
    public static async Task<bool> TokenizeAsync(TrainingJob job, string folder, Action<TrainingEvent> emit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(emit);
        var shape = Lora.LlamaShape.Of(await Sonique.Gguf.GgufFile.ReadAsync(job.Model, ct));
        var maxTokens = job.Settings.MaxSequence ?? shape.ContextLength;
        Sonique.Llm.Generation.LlamaLog.WarningsOnly();
        using var vocabulary = await LLama.LLamaWeights.LoadFromFileAsync(new LLama.Common.ModelParams(job.Model) { VocabOnly = true }, ct);
        var format = Sonique.Llm.Generation.ChatFormat.For(job.Template, vocabulary);
        async Task WriteAsync(string source, string name)
        {
            var (examples, skipped) = await ChatExamples.ReadAsync(source, vocabulary, format, maxTokens, ct);
            skipped.ForEach(emit);
            var lines = examples.Select(e => JsonSerializer.Serialize(new { id = e.Id, input_ids = e.Tokens, answer_start = e.AnswerStart }));
            await File.WriteAllLinesAsync(Path.Combine(folder, name), lines, ct);
        }

        await WriteAsync(job.Train, TrainTokens);
        if (job.Validation is null)
        {
            return false;
        }

        await WriteAsync(job.Validation, ValidationTokens);
        return true;
    }

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
