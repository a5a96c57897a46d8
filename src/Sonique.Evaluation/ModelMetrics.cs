using Sonique.Dataset.Pairs;

namespace Sonique.Evaluation;

/// <summary>
/// How one model did on the test split. Tag scores compare content tags (the tempo apart) case-insensitively,
/// per clip, then average over clips (an unparseable answer scores 0). Diversity is read from the tags the model
/// used over all clips, each counted once per clip: distinct tags, entropy, the top ten's share, the
/// Jensen-Shannon divergence from the reference tags of the same clips, and tags the training split never had.
/// </summary>
public sealed record ModelMetrics
{
    public required string Model { get; init; }

    public required int Answers { get; init; }

    public required int Parsed { get; init; }

    public double ParseRate => Answers == 0 ? 0 : Parsed / (double)Answers;

    public required double Precision { get; init; }

    public required double Recall { get; init; }

    /// <summary>The mean of the clips' F1 scores.</summary>
    public required double F1 { get; init; }

    /// <summary>F1 of the true positives, answered tags and reference tags summed over all clips.</summary>
    public required double MicroF1 { get; init; }

    /// <summary>Answers that state a tempo.</summary>
    public required int TempoAnswers { get; init; }

    /// <summary>Mean absolute tempo error in BPM over the answers with a tempo (null: none had one).</summary>
    public required double? TempoMeanAbsoluteError { get; init; }

    public required int DistinctTags { get; init; }

    public required double EntropyBits { get; init; }

    public required double Top10Share { get; init; }

    /// <summary>Jensen-Shannon divergence (bits, 0 to 1) of the tag distribution from the reference tags' on the same clips.</summary>
    public required double DivergenceFromReference { get; init; }

    /// <summary>Distinct tags the model used that no training clip has.</summary>
    public required int TagsUnseenInTraining { get; init; }

    /// <summary>Clip-tag occurrences of those unseen tags, as a share of all the model's occurrences.</summary>
    public required double UnseenShare { get; init; }

    /// <summary>The model's tags with the number of clips each is on, most frequent first.</summary>
    public required IReadOnlyList<TagCount> TagFrequencies { get; init; }

    public static ModelMetrics Compute(string model, IReadOnlyList<EvaluatedAnswer> answers, IReadOnlySet<string> trainingTags)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(trainingTags);
        double precision = 0, recall = 0, f1 = 0, tempoError = 0;
        long truePositives = 0, answered = 0, referenced = 0;
        var tempoAnswers = 0;
        var tempoScored = 0;
        foreach (var a in answers)
        {
            var reference = EvaluatedAnswer.ContentTags(a.Reference);
            var tags = a.Answer.IsParsed ? EvaluatedAnswer.ContentTags(a.Answer) : [];
            var hits = tags.Count(t => reference.Contains(t, StringComparer.OrdinalIgnoreCase));
            var p = tags.Count == 0 ? 0 : hits / (double)tags.Count;
            var r = reference.Count == 0 ? 0 : hits / (double)reference.Count;
            precision += p;
            recall += r;
            f1 += p + r == 0 ? 0 : 2 * p * r / (p + r);
            truePositives += hits;
            answered += tags.Count;
            referenced += reference.Count;
            if (a.Answer.IsParsed && a.Answer.TempoBpm is { } bpm)
            {
                tempoAnswers++;
                if (a.Reference.TempoBpm is { } truth)
                {
                    tempoError += Math.Abs(bpm - truth);
                    tempoScored++;
                }
            }
        }

        var n = Math.Max(1, answers.Count);
        var frequencies = Frequencies(answers.Where(a => a.Answer.IsParsed).Select(a => EvaluatedAnswer.ContentTags(a.Answer)));
        var concentration = TagConcentration.Of(frequencies);
        var occurrences = frequencies.Sum(f => f.Clips);
        var unseen = frequencies.Where(f => !trainingTags.Contains(f.Tag)).ToList();
        var microP = answered == 0 ? 0 : truePositives / (double)answered;
        var microR = referenced == 0 ? 0 : truePositives / (double)referenced;
        return new ModelMetrics
        {
            Model = model,
            Answers = answers.Count,
            Parsed = answers.Count(a => a.Answer.IsParsed),
            Precision = precision / n,
            Recall = recall / n,
            F1 = f1 / n,
            MicroF1 = microP + microR == 0 ? 0 : 2 * microP * microR / (microP + microR),
            TempoAnswers = tempoAnswers,
            TempoMeanAbsoluteError = tempoScored == 0 ? null : tempoError / tempoScored,
            DistinctTags = frequencies.Count,
            EntropyBits = concentration.EntropyBits,
            Top10Share = concentration.Top10Share,
            DivergenceFromReference = JensenShannon(frequencies, Frequencies(answers.Select(a => EvaluatedAnswer.ContentTags(a.Reference)))),
            TagsUnseenInTraining = unseen.Count,
            UnseenShare = occurrences == 0 ? 0 : unseen.Sum(f => f.Clips) / (double)occurrences,
            TagFrequencies = frequencies,
        };
    }

    /// <summary>Clips per tag (case-insensitive, the first spelling kept), most frequent first, then by name.</summary>
    public static IReadOnlyList<TagCount> Frequencies(IEnumerable<IReadOnlyList<string>> clips)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var clip in clips)
        {
            foreach (var tag in clip.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                counts[tag] = counts.GetValueOrDefault(tag) + 1;
            }
        }

        return [.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => new TagCount(c.Key, c.Value))];
    }

    /// <summary>Jensen-Shannon divergence in bits between two tag distributions (1 when either is empty and the other is not).</summary>
    public static double JensenShannon(IReadOnlyList<TagCount> a, IReadOnlyList<TagCount> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        double totalA = a.Sum(t => t.Clips), totalB = b.Sum(t => t.Clips);
        if (totalA == 0 || totalB == 0)
        {
            return totalA == totalB ? 0 : 1;
        }

        var p = a.ToDictionary(t => t.Tag, t => t.Clips / totalA, StringComparer.OrdinalIgnoreCase);
        var q = b.ToDictionary(t => t.Tag, t => t.Clips / totalB, StringComparer.OrdinalIgnoreCase);
        double divergence = 0;
        foreach (var tag in p.Keys.Union(q.Keys, StringComparer.OrdinalIgnoreCase))
        {
            var pi = p.GetValueOrDefault(tag);
            var qi = q.GetValueOrDefault(tag);
            var mi = (pi + qi) / 2;
            divergence += (pi > 0 ? 0.5 * pi * Math.Log2(pi / mi) : 0) + (qi > 0 ? 0.5 * qi * Math.Log2(qi / mi) : 0);
        }

        return Math.Clamp(divergence, 0, 1);
    }
}
