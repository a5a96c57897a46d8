using System.Diagnostics;
using Sonique.Dataset.Pairs;
using Sonique.Gguf;
using Sonique.Llm.Generation;
using Sonique.Llm.Tests;
using Sonique.Tests.Shared;

namespace Sonique.Training.Tests;

/// <summary>The trainer as the pipeline runs it: a child process on the real worker, stories15M, real data.</summary>
[Trait("Tier", "Slow")]
[Collection(Stories15MUsers.Name)]
public sealed class TrainerProcessTests(Stories15MModel stories) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<TrainingJob> JobAsync(string name, int epochs = 2, bool merge = false, string? model = null)
    {
        var train = await ChatData.WriteAsync(_folder.PathOf("train.jsonl"), 8);
        var validation = await ChatData.WriteAsync(_folder.PathOf("validation.jsonl"), 3, offset: 8);
        return new TrainingJob
        {
            Model = model ?? stories.Path32,
            Train = train,
            Validation = validation,
            Template = "chatml",
            Output = _folder.PathOf(name + "/out"),
            Checkpoints = _folder.PathOf(name + "/checkpoints"),
            Threads = 2,
            Merge = merge,
            Settings = new FineTuneSettings { Rank = 4, Alpha = 8, Epochs = epochs, BatchSize = 2, LearningRate = 3e-3, Targets = ["all-linear", "lm_head"] },
        };
    }

    [Fact]
    public async Task A_killed_run_resumes_from_its_checkpoint_and_ends_with_the_uninterrupted_runs_adapter()
    {
        var ct = TestContext.Current.CancellationToken;
        var whole = await JobAsync("whole");
        await FineTuneRun.RunAsync(whole, null, _ => { }, ct);

        var killed = await JobAsync("killed");
        Directory.CreateDirectory(killed.Output);
        var jobFile = Path.Combine(killed.Output, FineTuneRun.JobFile);
        await killed.WriteAsync(jobFile, ct);
        var (executable, arguments) = TrainerProcess.Worker(jobFile);
        // Standard input held open, as TrainerProcess holds it: the worker exits when it ends.
        using (var process = Process.Start(new ProcessStartInfo(executable, arguments) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                if (TrainingEvent.TryParse(line) is { Event: TrainingEvent.StepDone, Epoch: 2 })
                {
                    process.Kill(entireProcessTree: true);
                    break;
                }
            }

            await process.WaitForExitAsync(ct);
            Assert.NotEqual(0, process.ExitCode);
        }

        Assert.Equal(["epoch-001.gguf"], Directory.GetFiles(killed.Checkpoints).Select(Path.GetFileName));
        var events = new List<TrainingEvent>();
        await FineTuneRun.RunAsync(killed, null, events.Add, ct);

        Assert.Equal(1, Assert.Single(events, e => e.Event == TrainingEvent.Resumed).Epoch);
        Assert.Equal(2, events.Count(e => e.Event == TrainingEvent.EpochDone));
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(whole.Output, TrainingJob.AdapterFile), ct),
            await File.ReadAllBytesAsync(Path.Combine(killed.Output, TrainingJob.AdapterFile), ct));
        var metrics = await File.ReadAllLinesAsync(Path.Combine(killed.Output, FineTuneRun.MetricsFile), ct);
        Assert.Equal(8, metrics.Select(TrainingEvent.TryParse).Count(e => e?.Event == TrainingEvent.StepDone));
        // The resumed run's metrics are the uninterrupted run's, byte for byte: the cumulative token count goes on
        // from the checkpoint, and what only this run knows (resumed, timings, paths) is in the run record.
        var uninterrupted = await File.ReadAllLinesAsync(Path.Combine(whole.Output, FineTuneRun.MetricsFile), ct);
        Assert.Equal(uninterrupted, metrics);
        var steps = metrics.Select(TrainingEvent.TryParse).Where(e => e?.Event == TrainingEvent.StepDone).ToList();
        Assert.Equal(2 * steps[3]!.Tokens, steps[^1]!.Tokens);
        var record = (await File.ReadAllLinesAsync(Path.Combine(killed.Checkpoints, FineTuneRun.RunRecordFile), ct)).Select(TrainingEvent.TryParse).ToList();
        Assert.Contains(record, e => e is { Event: TrainingEvent.Resumed, Epoch: 1 });
        Assert.Contains(record, e => e is { Event: TrainingEvent.StepDone, TokensPerSecond: > 0 });
        Assert.DoesNotContain(_folder.Root, string.Join('\n', metrics), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_adapter_changes_what_LLamaSharp_answers_and_the_merged_model_answers_the_same()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = await JobAsync("merge", epochs: 3, merge: true);
        var losses = new List<double>();
        await FineTuneRun.RunAsync(job, null, e =>
        {
            if (e is { Event: TrainingEvent.EpochDone, ValidationLoss: { } v })
            {
                losses.Add(v);
            }
        }, ct);
        ChatMessage[] question = ChatPrompt.Question("A bright scene in warm yellow, fast cuts. Shot 20.", TagPromptStyle.SystemTurn);

        async Task<string> AnswerAsync(string model, string? adapter)
        {
            using var generator = await ChatGenerator.LoadAsync(new ChatGeneratorOptions { ModelPath = model, AdapterPath = adapter, Template = "chatml", MaxTokens = 24 }, ct);
            return (await generator.AnswerAsync(question, ct)).Text;
        }

        var plain = await AnswerAsync(stories.Path32, null);
        var adapted = await AnswerAsync(stories.Path32, Path.Combine(job.Output, TrainingJob.AdapterFile));
        var merged = await AnswerAsync(Path.Combine(job.Output, TrainingJob.MergedFile), null);

        Assert.True(losses[^1] < losses[0], $"validation loss {string.Join(" -> ", losses)}");
        Assert.NotEqual(plain, adapted);
        Assert.Equal(adapted, merged);
    }

    [Fact]
    public async Task A_native_assertion_ends_the_trainer_and_fails_the_run_with_its_last_words()
    {
        var ct = TestContext.Current.CancellationToken;
        // stories15M with a negative RMS norm epsilon: the one oddity of a file the trainer leaves to ggml, whose
        // RMS norm asserts on it mid-pass (shapes, types and RoPE are refused by name before any native code).
        var original = await GgufFile.ReadAsync(stories.Path32, ct);
        var writer = new GgufWriter();
        foreach (var (key, value) in original.Metadata.Where(m => m.Key != GgufFile.AlignmentKey))
        {
            writer.Add(key, key == "llama.attention.layer_norm_rms_epsilon" ? GgufValue.Of(-1f) : value);
        }

        foreach (var tensor in original.Tensors)
        {
            writer.AddTensor(tensor.Name, tensor.Dimensions, tensor.Type, await original.ReadTensorBytesAsync(tensor, ct));
        }

        var broken = _folder.PathOf("broken.gguf");
        await writer.WriteAsync(broken, ct);

        var error = await Assert.ThrowsAsync<TrainingFailedException>(async () => await FineTuneRun.RunAsync(await JobAsync("broken", model: broken), null, _ => { }, ct));

        Assert.Contains("code 134", error.Message, StringComparison.Ordinal);
        Assert.Contains("GGML_ASSERT", error.Message, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage(error.Message);
    }

    [Fact]
    public async Task A_job_whose_model_is_missing_fails_naming_the_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var missing = _folder.PathOf("no-such-model.gguf");

        var error = await Assert.ThrowsAsync<TrainingFailedException>(async () => await FineTuneRun.RunAsync(await JobAsync("missing", model: missing), null, _ => { }, ct));

        Assert.Contains("code 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-model.gguf", error.Message, StringComparison.Ordinal);
    }
}
