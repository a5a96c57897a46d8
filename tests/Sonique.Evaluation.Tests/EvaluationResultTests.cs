using Sonique.Dataset.Tags;
using Sonique.Media.Clips;

namespace Sonique.Evaluation.Tests;

public sealed class EvaluationResultTests
{
    private static EvaluatedAnswer Answer(string clip, string text) =>
        new(ClipId.Parse(clip), $"Scene {clip}.", TagParser.Parse("Piano, 70 BPM"), TagParser.Parse(text), text);

    [Fact]
    public void Models_answers_are_put_side_by_side_by_clip_id_not_by_position()
    {
        var result = EvaluationResult.Of(
            [
                ("base", [Answer("a", "Once upon a time"), Answer("b", "Drums, 90 BPM")]),
                ("fine-tuned", [Answer("b", "Rock, 120 BPM"), Answer("a", "Piano, 70 BPM")]),
            ],
            new HashSet<string>(StringComparer.OrdinalIgnoreCase));

        Assert.Equal(["a", "b"], result.Clips.Select(c => c.ClipId.Value));
        Assert.Equal(["Once upon a time", "Piano, 70 BPM"], result.Clips[0].Answers.Select(a => a.Text));
        Assert.Equal(["Drums, 90 BPM", "Rock, 120 BPM"], result.Clips[1].Answers.Select(a => a.Text));
    }

    [Fact]
    public void Models_that_answered_other_clips_are_refused_naming_the_clip()
    {
        var error = Assert.Throws<ArgumentException>(() => EvaluationResult.Of(
            [("base", [Answer("a", "x"), Answer("b", "y")]), ("fine-tuned", [Answer("a", "x"), Answer("c", "y")])],
            new HashSet<string>(StringComparer.OrdinalIgnoreCase)));

        Assert.Contains("The model 'fine-tuned' has no answer for the clip 'b'", error.Message, StringComparison.Ordinal);
    }
}
