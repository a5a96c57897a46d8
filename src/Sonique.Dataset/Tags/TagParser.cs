namespace Sonique.Dataset.Tags;

/// <summary>Turns any model answer into normalised tags, so that every model (fine-tuned, base, or one that
/// ignores the format) is scored by the same metrics as the reference tags.
/// <para>Tries, in order: a JSON or Python literal (<see cref="TagAnswerForm.Json"/>: a dict with a tags key,
/// doubled braces, single quotes, code fences and prose around it allowed, complete items of a truncated literal
/// salvaged); a bullet or numbered list (<see cref="TagAnswerForm.List"/>); a comma or semicolon list standing
/// alone, possibly after a "Tags:" lead-in (<see cref="TagAnswerForm.CommaList"/>); a list inside prose
/// (<see cref="TagAnswerForm.Prose"/>). Line lists count only when two thirds of their pieces are tag-like (valid
/// tags with no article, pronoun or auxiliary), so stories and explanations are
/// <see cref="TagAnswerForm.Unparseable"/>. A tempo stated only in the prose around a list ("...at 90 BPM.") is
/// taken as the tempo.</para>
/// <para>Never throws; looks at most at the first 64 KiB and runs in linear time on anything (no backtracking
/// regex; nesting capped).</para></summary>
public static class TagParser
{
    /// <summary>The tags in <paramref name="answer"/>, its tempo and its form; <see cref="ParsedTags.Unparseable"/>
    /// for null, blank, or text with no tag list.</summary>
    public static ParsedTags Parse(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return ParsedTags.Unparseable;
        }

        var text = TagText.PrepareAnswer(answer);

        foreach (var items in StructuredTagReader.Candidates(text))
        {
            if (Build(items, text, TagAnswerForm.Json) is { } parsed)
            {
                return parsed;
            }
        }
        foreach (var found in LineTagReader.Candidates(AnswerLines.Classify(text)))
        {
            if (Build(found.Items, text, found.Form) is { } parsed)
            {
                return parsed;
            }
        }
        return ParsedTags.Unparseable;
    }

    /// <summary>The normalised list, or null when no tag survives (an echoed placeholder list, say); a tempo
    /// missing from the list is taken from anywhere in the answer.</summary>
    private static ParsedTags? Build(IReadOnlyList<string> items, string text, TagAnswerForm form)
    {
        var list = new TagListBuilder(skipPlaceholders: true);
        foreach (var item in items)
        {
            list.Add(item);
        }

        if (list.Count == 0 && list.Tempo(null) is null)
        {
            return null;
        }

        var tempo = list.Tempo(null) ?? TempoGrammar.FirstIn(text);
        return new ParsedTags(list.Build(tempo), tempo, form);
    }
}
