namespace Sonique.Dataset.Pairs;

/// <summary>
/// The tag and tempo distribution of one set of clips, in numbers a report can chart and compare between the whole
/// dataset and the balanced training set: how many tags, how concentrated, which tempos.
/// </summary>
/// <remarks>A tag counts once per clip (a clip listing it twice is one occurrence), compared ordinally.</remarks>
public sealed class ClipSetStatistics
{
    public required int Clips { get; init; }

    public required int DistinctTags { get; init; }

    /// <summary>Clip-tag pairs: the sum of <see cref="TagFrequencies"/>.</summary>
    public required int TagOccurrences { get; init; }

    /// <summary>Distinct tags per clip, on average (0 for no clips).</summary>
    public required double MeanTagsPerClip { get; init; }

    /// <summary>Every tag with the number of clips it is on, most frequent first, then by name (ordinal).</summary>
    public required IReadOnlyList<TagCount> TagFrequencies { get; init; }

    /// <summary>The first ten of <see cref="TagFrequencies"/> with their share of the set's clips.</summary>
    public required IReadOnlyList<TagShare> TopTags { get; init; }

    public required TagConcentration Concentration { get; init; }

    /// <summary>Clips per 10 BPM bin, every bin from the lowest to the highest tempo (empty ones included, so it charts as is).</summary>
    public required IReadOnlyList<TempoBin> TempoHistogram { get; init; }

    public required int ClipsWithoutTempo { get; init; }

    /// <summary>Clips per balancing tempo band (<see cref="BalanceOptions.TempoBandWidth"/> wide), every band from the lowest to the
    /// highest, with its share of all the set's clips (those without a tempo included), the share the tempo cap limits.</summary>
    public required IReadOnlyList<TempoBandShare> TempoBands { get; init; }

    /// <summary>The histogram's bin width in BPM.</summary>
    public const int HistogramBinWidth = 10;

    public static ClipSetStatistics Of(IReadOnlyList<ClipPair> clips, int tempoBandWidth)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentOutOfRangeException.ThrowIfLessThan(tempoBandWidth, 1);

        var perTag = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var clip in clips)
        {
            foreach (var tag in clip.TagList.Distinct(StringComparer.Ordinal))
            {
                perTag[tag] = perTag.GetValueOrDefault(tag) + 1;
            }
        }

        TagCount[] frequencies = [.. perTag
            .OrderByDescending(t => t.Value)
            .ThenBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new TagCount(t.Key, t.Value))];
        var occurrences = frequencies.Sum(f => f.Clips);
        var tempos = clips.Where(c => c.TempoBpm is not null).Select(c => c.TempoBpm!.Value).ToList();

        return new ClipSetStatistics
        {
            Clips = clips.Count,
            DistinctTags = frequencies.Length,
            TagOccurrences = occurrences,
            MeanTagsPerClip = clips.Count == 0 ? 0 : occurrences / (double)clips.Count,
            TagFrequencies = frequencies,
            TopTags = [.. frequencies.Take(10).Select(f => new TagShare(f.Tag, f.Clips, f.Clips / (double)clips.Count))],
            Concentration = TagConcentration.Of(frequencies),
            TempoHistogram = [.. Bins(tempos, HistogramBinWidth).Select(b => new TempoBin(b.Lower, b.Clips))],
            ClipsWithoutTempo = clips.Count - tempos.Count,
            TempoBands = [.. Bins(tempos, tempoBandWidth).Select(b => new TempoBandShare(b.Lower, b.Lower + tempoBandWidth - 1, b.Clips, b.Clips / (double)clips.Count))],
        };
    }

    /// <summary>Counts per bin of <paramref name="width"/> BPM (lower bound floored), contiguous from the lowest bin to the highest.</summary>
    private static IEnumerable<(int Lower, int Clips)> Bins(List<int> tempos, int width)
    {
        if (tempos.Count == 0)
        {
            yield break;
        }

        var band = new BalanceOptions(TempoBandWidth: width);
        var counts = tempos.GroupBy(band.TempoBandOf).ToDictionary(g => g.Key, g => g.Count());
        for (var lower = counts.Keys.Min(); lower <= counts.Keys.Max(); lower += width)
        {
            yield return (lower, counts.GetValueOrDefault(lower));
        }
    }
}

/// <summary>A tag and the number of clips it is on.</summary>
public sealed record TagCount(string Tag, int Clips);

/// <summary>A tag, the number of clips it is on and that number's share of the set's clips.</summary>
public sealed record TagShare(string Tag, int Clips, double Share);

/// <summary>A histogram bin: clips whose tempo is in [<paramref name="LowerBpm"/>, LowerBpm + 10).</summary>
public sealed record TempoBin(int LowerBpm, int Clips);

/// <summary>A balancing tempo band, [<paramref name="LowerBpm"/>, <paramref name="UpperBpm"/>] inclusive, with its clips and their share.</summary>
public sealed record TempoBandShare(int LowerBpm, int UpperBpm, int Clips, double Share);

/// <summary>
/// How concentrated the tags are, over the distribution of tag occurrences (<c>p(tag)</c> = the tag's clips over all
/// clip-tag pairs): the numbers that show whether balancing spread the vocabulary out.
/// </summary>
/// <param name="EntropyBits">Shannon entropy <c>H = -sum p log2 p</c> in bits; 0 when there are no tags.</param>
/// <param name="NormalisedEntropy"><c>H / log2(distinct tags)</c>, 1 for perfectly even use; null below two distinct tags, where it is undefined.</param>
/// <param name="EffectiveTags"><c>2^H</c>: how many equally used tags would be as spread; 0 when there are no tags.</param>
/// <param name="Top10Share">The ten most frequent tags' share of all occurrences; 0 when there are none.</param>
public sealed record TagConcentration(double EntropyBits, double? NormalisedEntropy, double EffectiveTags, double Top10Share)
{
    public static TagConcentration Of(IReadOnlyList<TagCount> frequencies)
    {
        ArgumentNullException.ThrowIfNull(frequencies);
        var total = frequencies.Sum(f => (double)f.Clips);
        if (total == 0)
        {
            return new TagConcentration(0, null, 0, 0);
        }

        var entropy = 0.0;
        foreach (var f in frequencies)
        {
            if (f.Clips > 0)
            {
                var p = f.Clips / total;
                entropy -= p * Math.Log2(p);
            }
        }

        entropy = Math.Max(0, entropy);
        var top10 = frequencies.OrderByDescending(f => f.Clips).Take(10).Sum(f => (double)f.Clips) / total;
        return new TagConcentration(
            entropy,
            frequencies.Count >= 2 ? entropy / Math.Log2(frequencies.Count) : null,
            Math.Pow(2, entropy),
            top10);
    }
}
