using System.Diagnostics;
using Sonique.Gguf;
using Sonique.Llm.Lora;

namespace Sonique.Training.Lora;

/// <summary>
/// One run of the in-process ggml trainer for a <see cref="TrainingJob"/>: tokenise the data with the model's
/// own vocabulary and chat template, build the graph for the longest example, train (resuming from the latest
/// checkpoint of the same job), and write the adapter as a GGUF LoRA (and, when asked, the merged model).
/// </summary>
public static class LlamaTrainerRun
{
    public const string Backend = "llama";

    public static async Task RunAsync(TrainingJob job, Action<TrainingEvent> emit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(emit);
        var problems = job.Settings.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"finetune settings: {string.Join("; ", problems)}");
        }

        var clock = Stopwatch.StartNew();
        var shape = LlamaShape.Of(await GgufFile.ReadAsync(job.Model, ct));
        var (train, validation) = await ChatExamples.ReadJobAsync(job, shape, emit, ct);
        var all = train.Concat(validation).ToList();
        var windows = LoraTrainingGraph.WindowsFor(all.Select(e => e.Tokens.Length), shape.ContextLength);
        var maxTargets = all.Max(e => e.Targets);
        var threads = job.Threads ?? Environment.ProcessorCount;
        using var graph = await LoraTrainingGraph.LoadAsync(job.Model, job.Settings.ToLora(), windows, maxTargets, threads, ct);
        var steps = (train.Count + job.Settings.ExamplesPerStep - 1) / job.Settings.ExamplesPerStep * job.Settings.Epochs;
        emit(new TrainingEvent(TrainingEvent.Prepared)
        {
            Backend = Backend,
            Device = $"CPU, {threads} threads",
            Examples = train.Count,
            ValidationExamples = validation.Count,
            Parameters = graph.ParameterCount,
            Window = graph.Window,
            Epochs = job.Settings.Epochs,
            Steps = steps,
            Extra = new Dictionary<string, double>
            {
                ["compute_mib"] = graph.ComputeBytes / 1048576.0,
                ["flops_per_window"] = graph.FlopsPerWindow,
                ["answer_rows"] = graph.MaxTargets,
                ["windows"] = graph.Windows.Count,
                ["padded_tokens_per_epoch"] = train.Sum(e => (double)graph.Windows.First(w => w >= e.Tokens.Length)),
                ["tokens_per_epoch"] = train.Sum(e => e.Tokens.Length),
            },
        });

        var identity = await IdentityAsync(job, ct);
        await new LoraTrainer(graph, job.Settings).TrainAsync(train, validation, job.Checkpoints, identity, emit, ct);

        Directory.CreateDirectory(job.Output);
        var matrices = graph.ToMatrices();
        var adapter = Path.Combine(job.Output, TrainingJob.AdapterFile);
        await LoraAdapterGguf.Build("llama", job.Settings.Alpha, matrices, "sonique-lora").WriteAsync(adapter, ct);
        if (job.Merge)
        {
            await LoraMerge.WriteAsync(job.Model, job.Settings.Alpha, matrices, Path.Combine(job.Output, TrainingJob.MergedFile), ct);
        }

        emit(new TrainingEvent(TrainingEvent.Done) { Path = adapter, Seconds = clock.Elapsed.TotalSeconds });
    }

    /// <summary>What a checkpoint must match to be resumed from: the model, the data, the template and the settings.</summary>
    private static async Task<string> IdentityAsync(TrainingJob job, CancellationToken ct) => RunIdentity.Of(
    [
        job.Settings.ToJsonText(),
        job.Template,
        await RunIdentity.OfFileAsync(job.Model, ct),
        await RunIdentity.OfFileAsync(job.Train, ct),
        job.Validation is null ? "-" : await RunIdentity.OfFileAsync(job.Validation, ct),
    ]);
}
