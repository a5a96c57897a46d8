using System.Diagnostics;

namespace Sonique.Training.Lora;

/// <summary>
/// The training loop over a <see cref="LoraTrainingGraph"/>: peft's initialisation (A uniform in ±1/sqrt(in), as
/// its Kaiming init gives, B zero, so training starts from the base model), shuffled micro-batches, the loss
/// averaged over answer tokens, AdamW with clipping and a scheduled rate, validation loss and a checkpoint after
/// every epoch. Shuffling and dropout are seeded per epoch, so a run resumed from a checkpoint takes exactly the
/// steps the uninterrupted run would have taken.
/// </summary>
public sealed class LoraTrainer(LoraTrainingGraph graph, FineTuneSettings settings)
{
    public async Task TrainAsync(
        IReadOnlyList<TrainingExample> train, IReadOnlyList<TrainingExample> validation,
        string checkpoints, string identity, Action<TrainingEvent> emit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(emit);
        if (train.Count == 0)
        {
            throw new ArgumentException("there are no training examples", nameof(train));
        }

        var stepsPerEpoch = (train.Count + settings.ExamplesPerStep - 1) / settings.ExamplesPerStep;
        var totalSteps = stepsPerEpoch * settings.Epochs;
        var schedule = new LearningRateSchedule(settings.Schedule, settings.LearningRate, totalSteps, settings.WarmupRatio);
        var weights = InitialWeights();
        var optimizer = new AdamW(graph.ParameterCount);
        var history = new List<string>();
        var firstEpoch = 1;
        long tokens = 0;

        var (checkpoint, problems) = await TrainingCheckpoint.LatestAsync(checkpoints, identity, graph.ParameterCount, ct);
        foreach (var problem in problems)
        {
            emit(new TrainingEvent(TrainingEvent.Note) { Reason = problem });
        }

        if (checkpoint is not null)
        {
            weights = checkpoint.Weights;
            checkpoint.FirstMoment.CopyTo(optimizer.FirstMoment, 0);
            checkpoint.SecondMoment.CopyTo(optimizer.SecondMoment, 0);
            optimizer.Steps = checkpoint.OptimizerSteps;
            firstEpoch = checkpoint.Epoch + 1;
            history.AddRange(checkpoint.History);
            foreach (var line in checkpoint.History)
            {
                if (TrainingEvent.TryParse(line) is { } past)
                {
                    // The count is cumulative over the whole run: it goes on from the checkpoint's last step.
                    tokens = past.Tokens ?? tokens;
                    emit(past);
                }
            }

            emit(new TrainingEvent(TrainingEvent.Resumed) { Epoch = checkpoint.Epoch, Step = checkpoint.OptimizerSteps, Steps = totalSteps });
        }

        graph.WriteParameters(weights);
        var gradient = new float[graph.ParameterCount];
        // The rate counts the steps' time only: validation and checkpoints are not training (the benchmark has neither).
        var clock = new Stopwatch();
        var tokensBefore = tokens;
        for (var epoch = firstEpoch; epoch <= settings.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var order = train.ToArray();
            new Random(Seed(epoch, 1)).Shuffle(order);
            graph.SetDropoutSeed(settings.Dropout > 0 ? (ulong)(uint)Seed(epoch, 2) << 16 : null);
            clock.Start();
            double epochLoss = 0;
            long epochTargets = 0;
            for (var start = 0; start < order.Length; start += settings.ExamplesPerStep)
            {
                var batch = order.AsSpan(start, Math.Min(settings.ExamplesPerStep, order.Length - start));
                var targets = 0;
                foreach (var example in batch)
                {
                    targets += example.Targets;
                }

                Array.Clear(gradient);
                double batchLoss = 0;
                foreach (var example in batch)
                {
                    ct.ThrowIfCancellationRequested();
                    batchLoss += graph.LossAndGradients(example, gradient, 1f / targets) * example.Targets;
                    tokens += example.Tokens.Length;
                }

                var step = optimizer.Steps;
                var rate = schedule.At(step);
                var norm = optimizer.Step(weights, gradient, rate, settings.WeightDecay, settings.MaxGradNorm);
                graph.WriteParameters(weights);
                epochLoss += batchLoss;
                epochTargets += targets;
                Record(emit, history, new TrainingEvent(TrainingEvent.StepDone)
                {
                    Epoch = epoch,
                    Epochs = settings.Epochs,
                    Step = step + 1,
                    Steps = totalSteps,
                    Loss = batchLoss / targets,
                    LearningRate = rate,
                    GradNorm = norm,
                    Tokens = tokens,
                    TokensPerSecond = (tokens - tokensBefore) / clock.Elapsed.TotalSeconds,
                });
            }

            clock.Stop();
            graph.SetDropoutSeed(null);
            var validationLoss = validation.Count > 0 ? MeanLoss(validation, ct) : (double?)null;
            Record(emit, history, new TrainingEvent(TrainingEvent.EpochDone)
            {
                Epoch = epoch,
                Epochs = settings.Epochs,
                Step = optimizer.Steps,
                Steps = totalSteps,
                TrainLoss = epochLoss / epochTargets,
                ValidationLoss = validationLoss,
                Seconds = epochClock.Elapsed.TotalSeconds,
            });
            await new TrainingCheckpoint(identity, epoch, optimizer.Steps, weights, optimizer.FirstMoment, optimizer.SecondMoment, history)
                .WriteAsync(checkpoints, ct);
            emit(new TrainingEvent(TrainingEvent.CheckpointWritten) { Epoch = epoch, Path = Path.Combine(checkpoints, TrainingCheckpoint.FileName(epoch)) });
        }
    }

    /// <summary>The mean loss per answer token over <paramref name="examples"/>, without dropout or gradients.</summary>
    public double MeanLoss(IReadOnlyList<TrainingExample> examples, CancellationToken ct)
    {
        double total = 0;
        long targets = 0;
        foreach (var example in examples)
        {
            ct.ThrowIfCancellationRequested();
            total += graph.Loss(example) * (double)example.Targets;
            targets += example.Targets;
        }

        return targets == 0 ? double.NaN : total / targets;
    }

    private float[] InitialWeights()
    {
        var random = new Random(settings.Seed);
        var weights = new float[graph.ParameterCount];
        var offset = 0;
        foreach (var parameter in graph.Parameters)
        {
            var bound = 1f / MathF.Sqrt(parameter.Input);
            for (var i = 0; i < parameter.A.Length; i++)
            {
                weights[offset + i] = ((random.NextSingle() * 2) - 1) * bound;
            }

            offset += parameter.A.Length + parameter.B.Length;
        }

        return weights;
    }

    private int Seed(int epoch, int stream) => unchecked((settings.Seed * 1_000_003) + (epoch * 7919) + stream);

    private static void Record(Action<TrainingEvent> emit, List<string> history, TrainingEvent e)
    {
        history.Add(e.ToJson());
        emit(e);
    }
}
