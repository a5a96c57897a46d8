namespace Sonique.Dataset.Tags;

/// <summary>A tag list found by reading lines (raw tag texts, not yet normalised) and the form it took.</summary>
internal sealed record LineTags(IReadOnlyList<string> Items, TagAnswerForm Form);

/// <summary>Finds tag lists laid out in lines: bullet or numbered lists, comma lists standing alone, and lists
/// inside prose. Each reader only accepts a list when at least two thirds of its pieces are tag-like, which is what
/// keeps a story's comma-separated clauses ("Once upon a time, there was a little girl named Lily.") out.</summary>
internal static class LineTagReader
{
    /// <summary>Candidate lists, most specific form first: bullets, then a stand-alone comma list (or plain one tag
    /// per line), then lists inside prose. The caller takes the first candidate that yields tags.</summary>
    public static IEnumerable<LineTags> Candidates(List<AnswerLine> lines)
    {
        var hasBullets = lines.Exists(l => l.Kind == LineKind.Bullet);
        if (hasBullets && Bulleted(lines) is { } bulleted)
        {
            yield return bulleted;
        }

        if (!hasBullets && StandAlone(lines) is { } standAlone)
        {
            yield return standAlone;
        }

        if (InProse(lines) is { } inProse)
        {
            yield return inProse;
        }
    }

    /// <summary>Bullet or numbered items, at least two tag pieces (one after a lead-in line), two thirds of them
    /// tag-like. Form <see cref="TagAnswerForm.List"/>, or <see cref="TagAnswerForm.Prose"/> when other text lines
    /// surround the list.</summary>
    private static LineTags? Bulleted(List<AnswerLine> lines)
    {
        var pieces = new List<string>();
        foreach (var line in lines)
        {
            if (line.Kind == LineKind.Bullet)
            {
                pieces.AddRange(BulletPieces(line.Content));
            }
        }
        var tagLike = pieces.Count(TagNormaliser.IsTagLike);
        var hasLeadIn = lines.Exists(l => l.Kind == LineKind.LeadIn);
        if (!(pieces.Count >= 2 || (pieces.Count == 1 && hasLeadIn)) || tagLike * 3 < pieces.Count * 2)
        {
            return null;
        }

        return new LineTags(pieces, lines.Exists(l => l.Kind == LineKind.Text) ? TagAnswerForm.Prose : TagAnswerForm.List);
    }

    /// <summary>The tag pieces of one bullet: for an item explained after a spaced dash ("**Piano** - adds
    /// warmth"), the head when that is tag-like; else its comma list when that is mostly tag-like; else, for an item
    /// explained after a colon or in brackets ("**Piano**: the soft melody..."), the head when that is tag-like;
    /// else its pieces as they are (counted against the list).</summary>
    private static IReadOnlyList<string> BulletPieces(string content)
    {
        foreach (var dash in (ReadOnlySpan<string>)[" - ", " – ", " — "])
        {
            var at = content.IndexOf(dash, StringComparison.Ordinal);
            if (at > 0 && TagNormaliser.IsTagLike(content[..at]))
            {
                return [content[..at]];
            }
        }
        var segment = TagSegment.Of(content);
        if (segment.ListShaped && segment.MostlyTagLike)
        {
            return segment.Pieces;
        }

        if (segment.LeadIn is { } head && TagNormaliser.IsTagLike(head))
        {
            return [head];
        }

        var paren = content.IndexOf(" (", StringComparison.Ordinal);
        if (paren > 0 && TagNormaliser.IsTagLike(content[..paren]))
        {
            return [content[..paren]];
        }

        return segment.Pieces.Count > 0 ? segment.Pieces : [content];
    }

    /// <summary>Every text line is one list-shaped comma list (a lead-in on the line or on a line of its own
    /// allowed) with two thirds of its pieces tag-like and not a sentence (see <see cref="ReadsAsSentence"/>), and
    /// there are at least two pieces in all, or one after a lead-in. Form <see cref="TagAnswerForm.List"/> when there are several lines of one tag each, else
    /// <see cref="TagAnswerForm.CommaList"/>.</summary>
    private static LineTags? StandAlone(List<AnswerLine> lines)
    {
        var segments = new List<TagSegment>();
        foreach (var line in lines)
        {
            if (line.Kind != LineKind.Text)
            {
                continue;
            }

            var segment = TagSegment.Of(line.Content);
            if (!segment.ListShaped || !segment.MostlyTagLike || ReadsAsSentence(line.Content, segment))
            {
                return null;
            }

            segments.Add(segment);
        }
        if (segments.Count == 0)
        {
            return null;
        }

        var pieces = segments.SelectMany(s => s.Pieces).ToList();
        var hasLeadIn = lines.Exists(l => l.Kind == LineKind.LeadIn) || segments.Exists(s => s.LeadIn is not null);
        if (pieces.Count < 2 && !hasLeadIn)
        {
            return null;
        }

        var oneTagPerLine = segments.Count >= 2 && segments.TrueForAll(s => s.Pieces.Count == 1);
        return new LineTags(pieces, oneTagPerLine ? TagAnswerForm.List : TagAnswerForm.CommaList);
    }

    /// <summary>Words a tag in title case may still write in lower case ("Drum and Bass", "Rock 'n' Roll").</summary>
    private static readonly HashSet<string> MinorWords =
        new(["and", "or", "of", "n", "the", "a", "an", "with", "for", "in", "on", "to", "de", "la"], StringComparer.Ordinal);

    /// <summary>A one-sentence story line such as "Lily liked flowers, trees, birds, and the sun." or "One day,
    /// Lily and Tom played.": no lead-in, a closing full stop, and a first piece in sentence case (a capital
    /// first word, then a lower-case word that is not a minor word). Tag lists are title case or all lower case.</summary>
    private static bool ReadsAsSentence(string content, TagSegment segment)
    {
        if (segment.LeadIn is not null || segment.Pieces.Count < 2 || !content.TrimEnd().EndsWith('.'))
        {
            return false;
        }

        var words = segment.Pieces[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || !char.IsUpper(words[0][0]))
        {
            return false;
        }

        return words.Skip(1).Any(w => char.IsLower(w[0]) && !MinorWords.Contains(w));
    }

    /// <summary>Lists inside prose, each from one of: a line or sentence whose lead-in names tags ("Here are the
    /// tags: ..."); a list-shaped line after a lead-in line that names tags; or a list-shaped line of at least three
    /// pieces, all tag-like, not ending in a full stop. Story sentences meet none of these.</summary>
    private static LineTags? InProse(List<AnswerLine> lines)
    {
        var pieces = new List<string>();
        var afterKeywordLeadIn = false;
        foreach (var line in lines)
        {
            if (line.Kind == LineKind.Decoration)
            {
                continue;
            }

            if (line.Kind == LineKind.LeadIn)
            {
                afterKeywordLeadIn = TagSegment.HasLeadInKeyword(line.Content);
                continue;
            }
            var segment = TagSegment.Of(line.Content);
            if (segment.ListShaped && segment.Pieces.Count > 0)
            {
                if (((segment.HasKeywordLeadIn || afterKeywordLeadIn) && segment.MostlyTagLike)
                    || (segment.Pieces.Count >= 3 && segment.AllTagLike && !line.Content.EndsWith('.')))
                {
                    pieces.AddRange(segment.Pieces);
                }
            }
            else
            {
                foreach (var sentence in TagText.Sentences(line.Content))
                {
                    var inner = TagSegment.Of(sentence);
                    if (inner.HasKeywordLeadIn && inner.ListShaped && inner.MostlyTagLike)
                    {
                        pieces.AddRange(inner.Pieces);
                    }
                }
            }
            afterKeywordLeadIn = false;
        }
        return pieces.Count > 0 ? new LineTags(pieces, TagAnswerForm.Prose) : null;
    }
}
