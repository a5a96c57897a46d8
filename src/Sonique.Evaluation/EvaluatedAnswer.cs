using Sonique.Dataset.Tags;
using Sonique.Media.Clips;

namespace Sonique.Evaluation;

/// <summary>One model's answer for one test clip, beside the clip's reference tags. <see cref="Problem"/> says why
/// there is no answer (a prompt longer than the context); such an answer counts as unparseable.</summary>
public sealed record EvaluatedAnswer(ClipId ClipId, string Description, ParsedTags Reference, ParsedTags Answer, string Text, string? Problem = null)
{
    /// <summary>The tags without the tempo tag ("120 BPM"), which is scored on its own.</summary>
    public static IReadOnlyList<string> ContentTags(ParsedTags tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var tempo = tags.TempoBpm is { } bpm ? $"{bpm} BPM" : null;
        return tags.Tags.Where(t => !string.Equals(t, tempo, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
