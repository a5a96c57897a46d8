using LLama;
using Sonique.Dataset.Pairs;
using Sonique.Llm.Generation;
using Sonique.Training.Lora;

namespace Sonique.Training;

/// <summary>
/// The chat JSONL as training examples: each conversation rendered with the chat template that generation uses,
/// tokenised as generation tokenises, and the loss set on the assistant's turn (its text and end marker).
/// </summary>
public static class ChatExamples
{
    /// <summary>
    /// A training job's train and validation examples, tokenised with its model's own vocabulary and chat template;
    /// an example longer than the model's context (or finetune.max_sequence) is reported through
    /// <paramref name="emit"/> and left out. Both trainers start from this.
    /// </summary>
    public static async Task<(List<TrainingExample> Train, List<TrainingExample> Validation)> ReadJobAsync(
        TrainingJob job, LlamaShape shape, Action<TrainingEvent> emit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(emit);
        var maxTokens = Math.Min(job.Settings.MaxSequence ?? shape.ContextLength, shape.ContextLength);
        LlamaLog.WarningsOnly();
        using var vocabulary = await LLamaWeights.LoadFromFileAsync(new LLama.Common.ModelParams(job.Model) { VocabOnly = true }, ct);
        var format = ChatFormat.For(job.Template, vocabulary);
        var (train, skipped) = await ReadAsync(job.Train, vocabulary, format, maxTokens, ct);
        List<TrainingExample> validation = [];
        if (job.Validation is not null)
        {
            (validation, var skippedValidation) = await ReadAsync(job.Validation, vocabulary, format, maxTokens, ct);
            skipped.AddRange(skippedValidation);
        }

        skipped.ForEach(emit);
        return train.Count > 0 ? (train, validation) : throw new InvalidDataException($"'{job.Train}' has no example the trainer can use.");
    }

    public static async Task<(List<TrainingExample> Examples, List<TrainingEvent> Skipped)> ReadAsync(
        string path, LLamaWeights vocabulary, ChatFormat format, int maxTokens, CancellationToken ct)
    {
        var examples = new List<TrainingExample>();
        var skipped = new List<TrainingEvent>();
        var line = 0;
        await foreach (var messages in ChatJsonl.ReadAsync(path, ct))
        {
            line++;
            var id = $"{Path.GetFileName(path)}:{line}";
            var (example, problem) = Tokenize(id, messages, vocabulary, format, maxTokens);
            if (example is not null)
            {
                examples.Add(example);
            }
            else
            {
                skipped.Add(new TrainingEvent(TrainingEvent.Skipped) { Id = id, Reason = problem });
            }
        }

        return (examples, skipped);
    }

    public static (TrainingExample? Example, string? Problem) Tokenize(string id, IReadOnlyList<ChatMessage> messages, LLamaWeights vocabulary, ChatFormat format, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count < 2 || messages[^1].Role != "assistant" || string.IsNullOrWhiteSpace(messages[^1].Content))
        {
            return (null, "the conversation does not end in an assistant answer");
        }

        var prompt = format.Render(messages.Take(messages.Count - 1).ToList(), addAssistant: true);
        var whole = format.Render(messages, addAssistant: false);
        if (!whole.StartsWith(prompt, StringComparison.Ordinal))
        {
            return (null, $"the '{format.Name}' template does not render the answer after the prompt");
        }

        var tokens = PromptTokens.Of(vocabulary, whole).Select(t => (int)t).ToArray();
        var promptTokens = PromptTokens.Of(vocabulary, prompt);
        var shared = 0;
        while (shared < promptTokens.Length && shared < tokens.Length && (int)promptTokens[shared] == tokens[shared])
        {
            shared++;
        }

        if (shared < 1 || shared >= tokens.Length)
        {
            return (null, "the answer adds no tokens after the prompt");
        }

        return tokens.Length > maxTokens
            ? (null, $"{tokens.Length} tokens, more than the {maxTokens} a training sequence holds (raise finetune.max_sequence, or shorten the description)")
            : (new TrainingExample(id, tokens, shared), null);
    }
}
