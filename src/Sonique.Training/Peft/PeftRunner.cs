using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sonique.Training.Peft;

/// <summary>
/// Runs the Python LoRA / QLoRA trainer (trainer/sonique_peft.py: transformers and peft, bitsandbytes when present)
/// in a local Python environment or in the container its Dockerfile builds, then converts the peft adapter it
/// saves into a GGUF LoRA for llama.cpp. The trainer streams the same JSON-line metrics as the ggml trainer.
/// </summary>
public sealed partial record PeftRunner(string Runner, string Python, string Docker, string Image, string Model)
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
        await PrepareAsync(job, InDocker && modelIsFolder ? "/model" : Model, Model, InDocker ? "/job" : output, InDocker ? "/checkpoints" : checkpoints, emit, ct);
        if (!InDocker)
        {
            await TrainerProcess.RunAsync("peft", Python, [Script, "--job", Path.Combine(output, JobFile), TrainerProcess.ExitWithParentSwitch], output, emit, ct, new Dictionary<string, string?> { ["PYTHONUNBUFFERED"] = "1" });
        }
        else
        {
            if (!ImageReference().IsMatch(Image))
            {
                throw new ArgumentException($"finetune.peft.image '{Image}' is not a container image reference");
            }

            // Named, so a cancelled run's container is removed (killing the docker client would leave it on the GPU);
            // as this user, so what it writes stays ours; with -i, so the trainer inside reads the end of our pipe
            // when this process dies and exits with it.
            var name = "sonique-peft-" + Guid.NewGuid().ToString("N")[..12];
            string[] run =
            [
                "run", "-i", "--rm", "--name", name, "--gpus", "all", .. UserArguments(), "--env", "HOME=/tmp",
                "--mount", $"type=bind,source={output},target=/job", "--mount", $"type=bind,source={checkpoints},target=/checkpoints",
                .. modelIsFolder ? new[] { "--mount", $"type=bind,source={Model},target=/model,readonly" } : [],
                Image, "python", "/app/sonique_peft.py", "--job", "/job/" + JobFile, TrainerProcess.ExitWithParentSwitch,
            ];
            try
            {
                await TrainerProcess.RunAsync("peft (docker)", Docker, run, output, emit, ct);
            }
            catch (OperationCanceledException)
            {
                await TrainerProcess.RunAsync("docker rm", Docker, ["rm", "-f", name], null, _ => { }, CancellationToken.None);
                throw;
            }
        }

        var adapter = Path.Combine(output, AdapterFolder);
        await PeftAdapterGguf.ConvertAsync(adapter, Path.Combine(output, TrainingJob.AdapterFile), job.Model, ct);
    }

    public const string JobFile = "peft-job.json";

    /// <summary>
    /// Writes the trainer's job into the output folder: the token ids (<see cref="TokenizeAsync"/>) under data/, and
    /// peft-job.json naming them, the model and the settings, with paths under <paramref name="root"/> (the output
    /// folder as the trainer sees it). Returns the job file's path.
    /// </summary>
    /// <param name="hfModel">The Hugging Face model on this machine (a folder, or a hub id), for the run's identity.</param>
    public static async Task<string> PrepareAsync(TrainingJob job, string model, string? hfModel, string root, string checkpoints, Action<TrainingEvent> emit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var output = Path.GetFullPath(job.Output);
        var data = Directory.CreateDirectory(Path.Combine(output, "data")).FullName;
        var hasValidation = await TokenizeAsync(job, data, emit, ct);

        // Python reads peft's module names and lower-case schedules; the config also takes GGUF names and any case.
        var settings = job.Settings with
        {
            Targets = job.Settings.ToLora().Targets.Select(t => t.Peft).ToList(),
            Schedule = job.Settings.Schedule.ToLowerInvariant(),
        };

        // A checkpoint folder per run identity (the model's contents, the token ids, the settings), so a resumed run
        // never picks up another's.
        var identity = RunIdentity.Of(
        [
            await RunIdentity.OfFileAsync(job.Model, ct),
            hfModel is not null && Directory.Exists(hfModel) ? FolderStamp(hfModel) : hfModel ?? "-",
            settings.ToJsonText(),
            await RunIdentity.OfFileAsync(Path.Combine(data, TrainTokens), ct),
            hasValidation ? await RunIdentity.OfFileAsync(Path.Combine(data, ValidationTokens), ct) : "-",
        ]);
        var peftJob = new JsonObject
        {
            ["model"] = model,
            ["train"] = $"{root}/data/{TrainTokens}",
            ["validation"] = hasValidation ? $"{root}/data/{ValidationTokens}" : null,
            ["template"] = job.Template,
            ["output"] = $"{root}/{AdapterFolder}",
            ["checkpoints"] = $"{checkpoints}/peft-{identity}",
            ["settings"] = JsonNode.Parse(JsonSerializer.Serialize(settings, SnakeCase)),
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
        shape.CheckTargets(job.Settings.ToLora().Targets, job.Model);
        var (train, validation) = await ChatExamples.ReadJobAsync(job, shape, emit, ct);
        async Task WriteAsync(IEnumerable<Lora.TrainingExample> examples, string name)
        {
            var lines = examples.Select(e => JsonSerializer.Serialize(new { id = e.Id, input_ids = e.Tokens, answer_start = e.AnswerStart }));
            await File.WriteAllLinesAsync(Path.Combine(folder, name), lines, ct);
        }

        await WriteAsync(train, TrainTokens);
        if (job.Validation is null)
        {
            return false;
        }

        await WriteAsync(validation, ValidationTokens);
        return true;
    }

    /// <summary>Names and sizes of a model folder's files: enough to tell models apart without reading gigabytes.</summary>
    private static string FolderStamp(string folder) => string.Join(
        ";",
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f)}:{new FileInfo(f).Length}")
            .Prepend(File.Exists(Path.Combine(folder, "config.json")) ? File.ReadAllText(Path.Combine(folder, "config.json")) : ""));

    private static string[] UserArguments() =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? ["--user", $"{Posix.getuid()}:{Posix.getgid()}"] : [];

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9._/:@-]*$")]
    private static partial System.Text.RegularExpressions.Regex ImageReference();

    private static partial class Posix
    {
        [System.Runtime.InteropServices.LibraryImport("libc")]
        public static partial uint getuid();

        [System.Runtime.InteropServices.LibraryImport("libc")]
        public static partial uint getgid();
    }

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
