using Sonique.Dataset.Pairs;
using Sonique.Dataset.Tags;
using Sonique.Media.Clips;

namespace Sonique.Evaluation.Tests;

public sealed class ModelMetricsTests
{
    private static readonly HashSet<string> Training = new(["Piano", "Drums", "Calm", "Bass"], StringComparer.OrdinalIgnoreCase);

    private static EvaluatedAnswer Answer(string reference, string answer, string clip = "c") =>
        new(ClipId.Parse(clip), "a scene", TagParser.Parse(reference), TagParser.Parse(answer), answer);

    [Fact]
    public void A_perfect_answer_scores_one_and_no_tempo_error()
    {
        var metrics = ModelMetrics.Compute("m", [Answer("Piano, Drums, Calm, 90 BPM", "piano, drums, calm, 90 bpm")], Training);

        Assert.Equal((1.0, 1.0, 1.0, 1.0, 1.0), (metrics.ParseRate, metrics.Precision, metrics.Recall, metrics.F1, metrics.MicroF1));
        Assert.Equal(0.0, metrics.TempoMeanAbsoluteError);
        Assert.Equal(0.0, metrics.DivergenceFromReference);
    }

    [Fact]
    public void Precision_recall_and_F1_count_content_tags_and_the_tempo_is_scored_apart()
    {
        // 2 of 3 answered tags are right, 2 of 4 reference tags are found; 110 against 100 BPM.
        var metrics = ModelMetrics.Compute("m", [Answer("Piano, Drums, Calm, Bass, 100 BPM", "Piano, Drums, Violin, 110 BPM")], Training);

        Assert.Equal(2.0 / 3, metrics.Precision, 9);
        Assert.Equal(0.5, metrics.Recall, 9);
        Assert.Equal(4.0 / 7, metrics.F1, 9);
        Assert.Equal(10.0, metrics.TempoMeanAbsoluteError);
        Assert.Equal(1, metrics.TagsUnseenInTraining);
        Assert.Equal(1.0 / 3, metrics.UnseenShare, 9);
    }

    [Fact]
    public void An_unparseable_answer_scores_zero_and_lowers_the_parse_rate()
    {
        var metrics = ModelMetrics.Compute(
            "base",
            [Answer("Piano, Calm, 80 BPM", "Piano, Calm, 80 BPM", "a"), Answer("Drums, Bass, 120 BPM", "Once upon a time there was a girl.", "b")],
            Training);

        Assert.Equal(2, metrics.Answers);
        Assert.Equal(1, metrics.Parsed);
        Assert.Equal(0.5, metrics.ParseRate);
        Assert.Equal(0.5, metrics.F1);
        Assert.Equal(1, metrics.TempoAnswers);
        Assert.Equal(2, metrics.DistinctTags);
    }

    [Fact]
    public void Diversity_reads_the_tags_used_across_clips()
    {
        var metrics = ModelMetrics.Compute(
            "m",
            [Answer("Piano, Calm, 80 BPM", "Piano, Calm, 80 BPM", "a"), Answer("Drums, Bass, 120 BPM", "Piano, Calm, 80 BPM", "b")],
            Training);

        // Two tags, each on both clips: one bit, all of it in the top ten. The reference used four tags once each, so
        // against M = (3/8, 3/8, 1/8, 1/8): JS = (log2(4/3) + (1 - log2(3/2)) / 2) / 2.
        Assert.Equal(2, metrics.DistinctTags);
        Assert.Equal(1.0, metrics.EntropyBits, 9);
        Assert.Equal(1.0, metrics.Top10Share, 9);
        Assert.Equal([new TagCount("Calm", 2), new TagCount("Piano", 2)], metrics.TagFrequencies);
        Assert.Equal((Math.Log2(4.0 / 3) + ((1 - Math.Log2(1.5)) / 2)) / 2, metrics.DivergenceFromReference, 9);
        Assert.Equal(20.0, metrics.TempoMeanAbsoluteError);
    }

    [Fact]
    public void Jensen_Shannon_is_zero_for_the_same_distribution_and_one_for_disjoint_ones()
    {
        TagCount[] a = [new("Piano", 3), new("Drums", 1)];

        Assert.Equal(0.0, ModelMetrics.JensenShannon(a, [new("piano", 6), new("DRUMS", 2)]), 12);
        Assert.Equal(1.0, ModelMetrics.JensenShannon(a, [new("Violin", 1)]), 12);
        Assert.Equal(1.0, ModelMetrics.JensenShannon(a, []));
    }
}
