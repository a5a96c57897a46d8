using System.Globalization;
using static System.FormattableString;

namespace Sonique.Report;

/// <summary>
/// What the numbers say, in sentences computed from them: did fine-tuning help (tag F1, answers that parse), and
/// did it narrow the tags (distinct tags and entropy against the reference tags of the same clips, tags the
/// training split never had). The original concluded "less variety" by eye; this says by how much.
/// </summary>
public static class Verdict
{
    public static IReadOnlyList<string> Of(ReportInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var b = inputs.Base;
        var f = inputs.FineTuned;
        var reference = inputs.ReferenceTags;
        var referenceConcentration = Sonique.Dataset.Pairs.TagConcentration.Of(reference);
        var lines = new List<string>
        {
            f.F1 > b.F1
                ? Invariant($"Fine-tuning raised tag F1 from {b.F1:F2} to {f.F1:F2} on {f.Answers} test clips.")
                : f.F1 < b.F1
                    ? Invariant($"Fine-tuning lowered tag F1 from {b.F1:F2} to {f.F1:F2} on {f.Answers} test clips.")
                    : Invariant($"Fine-tuning left tag F1 at {f.F1:F2} on {f.Answers} test clips."),
            Invariant($"Answers that parse as tags: {b.Parsed} of {b.Answers} from the base model, {f.Parsed} of {f.Answers} after fine-tuning."),
        };

        var change = reference.Count == 0 ? 0 : (f.DistinctTags - reference.Count) / (double)reference.Count;
        lines.Add(f.DistinctTags < reference.Count
            ? Invariant($"Fine-tuning narrowed the tag vocabulary: {f.DistinctTags} distinct tags where the reference tags of the same clips use {reference.Count} ({-change:0%} fewer); entropy {f.EntropyBits:F2} bits against {referenceConcentration.EntropyBits:F2}.")
            : Invariant($"The fine-tuned model kept the tag vocabulary: {f.DistinctTags} distinct tags where the reference tags of the same clips use {reference.Count}; entropy {f.EntropyBits:F2} bits against {referenceConcentration.EntropyBits:F2}."));
        lines.Add(Invariant($"Its tags diverge from the reference distribution by {f.DivergenceFromReference:F2} bits (Jensen-Shannon, 0 to 1); the base model's by {b.DivergenceFromReference:F2}."));
        if (f.TagsUnseenInTraining > 0)
        {
            lines.Add(Invariant($"{f.TagsUnseenInTraining} of its tags never occur in the training split ({f.UnseenShare:0%} of its tag uses): misspelt or invented."));
        }
        else
        {
            lines.Add("Every tag it used occurs in the training split.");
        }

        if (f.TempoMeanAbsoluteError is { } tempo)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"It gave a tempo in {f.TempoAnswers} of {f.Answers} answers, {tempo:F1} BPM from the reference on average."));
        }

        return lines;
    }
}
