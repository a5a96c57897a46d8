using Sonique.Tests.Shared;
using Sonique.Training.Lora;

namespace Sonique.Training.Tests.Lora;

[Trait("Tier", "Slow")] // each test trains a model
public sealed class LoraTrainerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static FineTuneSettings Settings(int epochs) => new()
    {
        Rank = 4,
        Alpha = 8,
        Dropout = 0.1f,
        Targets = ["all-linear", "lm_head"],
        Epochs = epochs,
        LearningRate = 1e-2,
        BatchSize = 2,
        Schedule = "cosine",
    };

    private async Task<LoraTrainingGraph> GraphAsync(FineTuneSettings settings)
    {
        var model = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"));
        return await LoraTrainingGraph.LoadAsync(model, settings.ToLora(), 16, 8, 2, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task One_epoch_lowers_the_training_loss()
    {
        var settings = Settings(epochs: 1);
        using var graph = await GraphAsync(settings);
        var examples = TinyLlama.CountingExamples(24, 16);
        var trainer = new LoraTrainer(graph, settings);
        var events = new List<TrainingEvent>();
        graph.WriteParameters(new float[graph.ParameterCount]);
        var before = trainer.MeanLoss(examples, TestContext.Current.CancellationToken);

        await trainer.TrainAsync(examples, examples.Take(4).ToList(), _folder.PathOf("checkpoints"), "run", events.Add, TestContext.Current.CancellationToken);

        var after = trainer.MeanLoss(examples, TestContext.Current.CancellationToken);
        Assert.True(after < before - 0.3, $"loss {before} before, {after} after one epoch");
        Assert.Equal(12, events.Count(e => e.Event == TrainingEvent.StepDone));
        var epoch = Assert.Single(events, e => e.Event == TrainingEvent.EpochDone);
        Assert.NotNull(epoch.ValidationLoss);
        Assert.True(File.Exists(_folder.PathOf("checkpoints/epoch-001.gguf")));
    }

    [Fact]
    public async Task A_run_resumed_from_its_checkpoint_takes_exactly_the_steps_of_an_uninterrupted_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = Settings(epochs: 3);
        var examples = TinyLlama.CountingExamples(10, 16);
        using var graph = await GraphAsync(settings);
        var uninterrupted = new float[graph.ParameterCount];
        await new LoraTrainer(graph, settings).TrainAsync(examples, [], _folder.PathOf("a"), "run", _ => { }, ct);
        graph.ReadParameters(uninterrupted);

        // The same run, stopped in its second epoch: its first epoch's checkpoint is all that is left.
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var stopped = await Record.ExceptionAsync(() => new LoraTrainer(graph, settings).TrainAsync(examples, [], _folder.PathOf("b"), "run", e =>
            {
                if (e.Event == TrainingEvent.StepDone && e.Epoch == 2)
                {
                    stop.Cancel();
                }
            }, stop.Token));
            Assert.IsType<OperationCanceledException>(stopped);
        }

        Assert.Equal(["epoch-001.gguf"], Directory.GetFiles(_folder.PathOf("b")).Select(Path.GetFileName));
        var resumedEvents = new List<TrainingEvent>();
        await new LoraTrainer(graph, settings).TrainAsync(examples, [], _folder.PathOf("b"), "run", resumedEvents.Add, ct);
        var resumed = new float[graph.ParameterCount];
        graph.ReadParameters(resumed);

        var resumedAt = Assert.Single(resumedEvents, e => e.Event == TrainingEvent.Resumed);
        Assert.Equal(1, resumedAt.Epoch);
        Assert.Equal(15, resumedEvents.Count(e => e.Event == TrainingEvent.StepDone)); // 5 replayed, 10 new
        Assert.Equal(uninterrupted, resumed);
    }

    [Fact]
    public async Task A_checkpoint_of_another_run_is_not_resumed_and_a_damaged_one_is_reported()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = Settings(epochs: 1);
        var examples = TinyLlama.CountingExamples(4, 16);
        using var graph = await GraphAsync(settings);
        var folder = _folder.PathOf("checkpoints");
        await new LoraTrainer(graph, settings).TrainAsync(examples, [], folder, "other-run", _ => { }, ct);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "epoch-009.gguf"), [1, 2, 3], ct);

        var events = new List<TrainingEvent>();
        await new LoraTrainer(graph, settings).TrainAsync(examples, [], folder, "this-run", events.Add, ct);

        Assert.DoesNotContain(events, e => e.Event == TrainingEvent.Resumed);
        var warning = Assert.Single(events, e => e.Event == TrainingEvent.Note);
        Assert.Contains("epoch-009.gguf", warning.Reason, StringComparison.Ordinal);
        Assert.Contains("damaged", warning.Reason, StringComparison.Ordinal);
    }
}
