using System.Text.Json;
using System.Text.Json.Nodes;
using Sonique.Dataset.Pairs;
using Sonique.Gguf;
using Sonique.Llm.Generation;

namespace Sonique.Training.Peft;

/// <summary>
/// The proof of the peft trainer on a GPU machine that has Python (torch, transformers, peft) but no .NET, in two
/// halves around <c>gpu/peft_proof.sh</c>. Here, beforehand: a bundle of job files (the base model's Hugging Face
/// export, the chat data as the token ids this side renders, a training job of a few hundred steps and a throughput
/// job on a random model of Mistral-7B's shape in bf16). Back here, afterwards: the returned metrics read, the
/// returned adapter converted to GGUF, loaded by llama.cpp onto the base model and its answers compared.
/// </summary>
public static class PeftProof
{
    public const string ModelFolder = "hf-model";
    public const string TrainJob = PeftRunner.JobFile;
    public const string BenchmarkJob = "benchmark-job.json";

    /// <summary>What the script returns: the trainer's JSON lines of each job, and the adapter folder peft saved.</summary>
    public const string TrainMetrics = "train.jsonl";
    public const string BenchmarkMetrics = "benchmark.jsonl";

    /// <summary>The benchmark's model: the trainer builds it from this preset with random weights on the GPU.</summary>
    public const string BenchmarkModel = "random:mistral-7b";

    /// <summary>The training job's settings: stories15M, rank 8 on every linear layer, bf16, batches of 8.</summary>
    public static FineTuneSettings TrainSettings(int epochs) => new()
    {
        Rank = 8,
        Alpha = 16,
        Dropout = 0.05f,
        Targets = ["all-linear"],
        Epochs = epochs,
        LearningRate = 2e-3,
        Schedule = "cosine",
        BatchSize = 8,
        Bf16 = true,
    };

    /// <summary>
    /// Writes the bundle into <paramref name="folder"/>, every path in its jobs relative to it (the script runs the
    /// trainer from there): <see cref="ModelFolder"/> (the GGUF's export, F16), data/, <see cref="TrainJob"/> and
    /// <see cref="BenchmarkJob"/>. The benchmark packs the same token ids into sequences of
    /// <paramref name="benchmarkSequence"/> tokens, <paramref name="benchmarkBatch"/> to a step.
    /// </summary>
    public static async Task WriteBundleAsync(
        string model, string train, string? validation, string folder, int epochs, int benchmarkSequence, int benchmarkBatch, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var job = new TrainingJob
        {
            Model = model,
            Train = train,
            Validation = validation,
            Template = ChatFormat.ChatMl,
            Output = folder,
            Checkpoints = Path.Combine(folder, "checkpoints"),
            Settings = TrainSettings(epochs),
        };
        await HfLlamaExport.WriteAsync(model, Path.Combine(folder, ModelFolder), GgmlType.F16, ct);
        await PeftRunner.PrepareAsync(job, ModelFolder, null, ".", "./checkpoints", _ => { }, ct);

        // The throughput job: the same tokens packed into long sequences for a model the trainer makes up; it
        // neither validates nor checkpoints, and has epochs enough for any --benchmark step count.
        var benchmark = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, TrainJob), ct))!.AsObject();
        benchmark["model"] = BenchmarkModel;
        benchmark["validation"] = null;
        benchmark["checkpoints"] = null;
        benchmark["output"] = "./benchmark-adapter";
        var settings = benchmark["settings"]!.AsObject();
        settings["packing"] = true;
        settings["max_sequence"] = benchmarkSequence;
        settings["batch_size"] = benchmarkBatch;
        settings["gradient_accumulation"] = 1;
        settings["epochs"] = 10_000;
        settings["dropout"] = 0.0;
        await File.WriteAllTextAsync(Path.Combine(folder, BenchmarkJob), benchmark.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
    }

    /// <summary>
    /// Reads what the script returned in <paramref name="returned"/>, converts its adapter into
    /// <paramref name="adapterGguf"/> for <paramref name="model"/> (the GGUF the bundle was made from), and has
    /// llama.cpp answer <paramref name="prompts"/> with and without it.
    /// </summary>
    public static async Task<PeftProofResult> CheckAsync(string returned, string model, string adapterGguf, IReadOnlyList<IReadOnlyList<ChatMessage>> prompts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var train = await EventsAsync(Path.Combine(returned, TrainMetrics), ct);
        var losses = train.Where(e => e.Event == TrainingEvent.StepDone && e.Loss is not null).Select(e => e.Loss!.Value).ToList();
        if (losses.Count < 10)
        {
            throw new InvalidDataException($"'{Path.Combine(returned, TrainMetrics)}' holds {losses.Count} training steps; the proof needs at least 10.");
        }

        var tenth = Math.Max(losses.Count / 10, 1);
        var benchmarkPath = Path.Combine(returned, BenchmarkMetrics);
        var benchmark = File.Exists(benchmarkPath) ? await EventsAsync(benchmarkPath, ct) : [];
        var done = benchmark.LastOrDefault(e => e.Event == TrainingEvent.Done);

        await PeftAdapterGguf.ConvertAsync(Path.Combine(returned, PeftRunner.AdapterFolder), adapterGguf, model, ct);
        var answers = new List<(string Base, string Adapted)>();
        foreach (var prompt in prompts)
        {
            answers.Add((await AnswerAsync(model, null, prompt, ct), await AnswerAsync(model, adapterGguf, prompt, ct)));
        }

        return new PeftProofResult(
            train.FirstOrDefault(e => e.Event == TrainingEvent.Prepared)?.Device ?? "?",
            losses.Count,
            losses.Take(tenth).Average(),
            losses.TakeLast(tenth).Average(),
            benchmark.FirstOrDefault(e => e.Event == TrainingEvent.Prepared)?.Device,
            done?.Extra?.GetValueOrDefault("tokens_per_second"),
            done?.Extra?.GetValueOrDefault("mfu"),
            done?.Extra?.GetValueOrDefault("peak_memory_gib"),
            answers);
    }

    private static async Task<string> AnswerAsync(string model, string? adapter, IReadOnlyList<ChatMessage> prompt, CancellationToken ct)
    {
        using var generator = await ChatGenerator.LoadAsync(new ChatGeneratorOptions { ModelPath = model, AdapterPath = adapter, Template = ChatFormat.ChatMl, MaxTokens = 24 }, ct);
        return (await generator.AnswerAsync(prompt, ct)).Text;
    }

    private static async Task<List<TrainingEvent>> EventsAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The GPU proof returned no '{Path.GetFileName(path)}' in '{Path.GetDirectoryName(path)}'.", path);
        }

        return (await File.ReadAllLinesAsync(path, ct)).Select(TrainingEvent.TryParse).OfType<TrainingEvent>().ToList();
    }
}

/// <summary>What a GPU proof run showed: the training's device, steps and loss at its start and end (means of the
/// first and last tenth of steps), the benchmark's numbers, and each prompt's answer without and with the adapter.</summary>
public sealed record PeftProofResult(
    string Device, int Steps, double FirstLoss, double LastLoss,
    string? BenchmarkDevice, double? TokensPerSecond, double? Mfu, double? PeakMemoryGib,
    IReadOnlyList<(string Base, string Adapted)> Answers)
{
    public bool LossFell => LastLoss < FirstLoss;

    public bool AnswersChanged => Answers.Any(a => a.Base != a.Adapted);
}
