using Sonique.Dataset.Pairs;
using Sonique.Dataset.Tags;
using Sonique.Llm.Generation;

namespace Sonique.Evaluation;

/// <summary>One model, loaded once, answers the question for every test clip with greedy decoding; each answer is
/// parsed. A clip whose prompt does not fit the context is answered with its problem, and the others go on.</summary>
public static class ModelEvaluation
{
    public static async Task<IReadOnlyList<EvaluatedAnswer>> AnswerAsync(
        ChatGeneratorOptions options, TagPromptStyle style, IReadOnlyList<TestClip> clips, IProgress<int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clips);
        using var generator = await TagGenerator.LoadAsync(options, style, ct);
        var answers = new List<EvaluatedAnswer>(clips.Count);
        foreach (var clip in clips)
        {
            try
            {
                var generated = await generator.GenerateAsync(clip.Description, ct);
                answers.Add(new EvaluatedAnswer(clip.ClipId, clip.Description, clip.Reference, generated.Tags, generated.Answer.Text));
            }
            catch (InvalidOperationException e) when (!ct.IsCancellationRequested)
            {
                answers.Add(new EvaluatedAnswer(clip.ClipId, clip.Description, clip.Reference, ParsedTags.Unparseable, string.Empty, e.Message));
            }

            progress?.Report(answers.Count);
        }

        return answers;
    }
}
