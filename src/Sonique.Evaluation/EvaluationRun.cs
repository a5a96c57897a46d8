using System.Globalization;
using Sonique.Dataset.Pairs;
using Sonique.Dataset.Tags;
using Sonique.Llm.Generation;
using Sonique.Media.Clips;

namespace Sonique.Evaluation;

/// <summary>
/// The Evaluate stage's work: the base model, then the base model with the fine-tuned adapter, answer every test
/// clip (found by id: <paramref name="pairOf"/> gives a clip's description and tags) with the same prompt and greedy decoding; both are scored against the reference tags and the training
/// split's vocabulary, and the result is written to <paramref name="output"/>.
/// </summary>
public static class EvaluationRun
{
    public const string BaseModel = "base";
    public const string FineTunedModel = "fine-tuned";

    public static async Task<EvaluationResult> RunAsync(
        string testJsonl, string splitsCsv, Func<ClipId, CancellationToken, Task<ClipPair>> pairOf, string trainJsonl, Func<string?, ChatGeneratorOptions> options,
        string adapter, TagPromptStyle style, double testShare, string output, IProgress<(string Model, int Done, int Total)>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clips = await TestClip.ReadAsync(splitsCsv, testJsonl, pairOf, ct);
        if (clips.Count == 0)
        {
            throw new InvalidDataException(EmptyTestSplit(await TestClip.CountClipsAsync(splitsCsv, ct), testShare));
        }

        var trainingTags = await TrainingTagsAsync(trainJsonl, ct);
        var models = new List<(string, IReadOnlyList<EvaluatedAnswer>)>();
        foreach (var (name, lora) in new[] { (BaseModel, (string?)null), (FineTunedModel, adapter) })
        {
            var counter = progress is null ? null : new Counter(done => progress.Report((name, done, clips.Count)));
            models.Add((name, await ModelEvaluation.AnswerAsync(options(lora), style, clips, counter, ct)));
        }

        var result = EvaluationResult.Of(models, trainingTags);
        await result.WriteAsync(output, ct);
        return result;
    }

    /// <summary>Why there is nothing to evaluate: a zero share, or a hash split of a few clips that put none in the test split.</summary>
    public static string EmptyTestSplit(int clips, double testShare) => testShare <= 0
        ? string.Create(CultureInfo.InvariantCulture, $"The test split is empty: pair.test is {testShare}, so none of the {clips} clips is set aside for testing. Give pair.test a share above 0.")
        : string.Create(CultureInfo.InvariantCulture, $"The test split is empty: none of the {clips} clips fell into it with pair.test {testShare} (about {clips * testShare:0.#} expected). Each clip's split comes from a hash of its id, so with so few clips a split can come out empty; add clips, or give pair.test a larger share.");

    /// <summary>Every content tag of the training split's answers (what the model could have learned).</summary>
    public static async Task<IReadOnlySet<string>> TrainingTagsAsync(string trainJsonl, CancellationToken ct)
    {
        var tags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var conversation in ChatJsonl.ReadAsync(trainJsonl, ct))
        {
            if (conversation.LastOrDefault(m => m.Role == "assistant") is { } answer)
            {
                tags.UnionWith(EvaluatedAnswer.ContentTags(TagParser.Parse(answer.Content)));
            }
        }

        return tags;
    }

    /// <summary>Reports on the calling thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class Counter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
