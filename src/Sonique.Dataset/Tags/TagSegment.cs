namespace Sonique.Dataset.Tags;

/// <summary>A stretch of text read as a possible tag list: an optional lead-in before a colon ("Here are the
/// tags:", "Genre:"), then pieces split at commas, semicolons and '|' (or at spaces between hashtags), each tidied ("and Bass" → "Bass",
/// "Mood: Calm" → "Calm"). Whether it really is a list is judged from how many pieces are tag-like.</summary>
internal sealed class TagSegment
{
    /// <summary>Words in a lead-in that say a list of tags follows even inside prose ("Here are the tags:",
    /// "Suggested genres:"), so a story's "Lily said: ..." is not taken for one.</summary>
    private static readonly HashSet<string> LeadInKeywords = new(
    [
        "tag", "tags", "keyword", "keywords", "label", "labels", "genre", "genres", "mood", "moods", "instrument",
        "instruments", "instrumentation", "style", "styles", "vibe", "vibes", "answer", "output", "result", "results",
        "here", "music", "suggest", "suggested", "suggestions", "recommended", "descriptors", "elements",
        "characteristics", "attributes", "soundtrack",
    ], StringComparer.Ordinal);

    private TagSegment(string? leadIn, List<string> pieces, bool listShaped)
    {
        LeadIn = leadIn;
        Pieces = pieces;
        ListShaped = listShaped;
        TagLikeCount = pieces.Count(TagNormaliser.IsTagLike);
    }

    /// <summary>The text before the lead-in colon, or null.</summary>
    public string? LeadIn { get; }

    /// <summary>The non-empty pieces after the lead-in.</summary>
    public IReadOnlyList<string> Pieces { get; }

    /// <summary>Whether the part after the lead-in is one sentence (no sentence ends inside it).</summary>
    public bool ListShaped { get; }

    /// <summary>How many pieces are tag-like (see <see cref="TagNormaliser.IsTagLike"/>).</summary>
    public int TagLikeCount { get; }

    /// <summary>At least one piece and at least two thirds of them tag-like: the bar for a list.</summary>
    public bool MostlyTagLike => Pieces.Count > 0 && TagLikeCount * 3 >= Pieces.Count * 2;

    /// <summary>At least one piece and every piece tag-like.</summary>
    public bool AllTagLike => Pieces.Count > 0 && TagLikeCount == Pieces.Count;

    /// <summary>Whether the lead-in says tags follow (see <see cref="LeadInKeywords"/>).</summary>
    public bool HasKeywordLeadIn => LeadIn is not null && HasLeadInKeyword(LeadIn);

    public static TagSegment Of(string text)
    {
        if (TagNormaliser.TempoOf(text) is not null)
        {
            return new TagSegment(null, [text], listShaped: true);
        }

        var (leadIn, rest) = SplitLeadIn(text);
        var pieces = new List<string>();
        foreach (var raw in IsHashtags(rest) ? rest.Split(' ', StringSplitOptions.RemoveEmptyEntries) : rest.Split([',', ';', '|']))
        {
            var piece = TidyPiece(raw);
            if (TagText.Clean(piece).Length > 0)
            {
                pieces.Add(piece);
            }
        }
        return new TagSegment(leadIn, pieces, !TagText.HasSentenceBreak(rest));
    }

    /// <summary>"#piano #drums #jazz": hashtags separated only by spaces, each then a piece.</summary>
    private static bool IsHashtags(string text)
    {
        var trimmed = text.AsSpan().Trim();
        return trimmed.StartsWith('#') && trimmed.Contains(" #", StringComparison.Ordinal) && trimmed.IndexOfAny(",;|") < 0;
    }

    /// <summary>Whether any word of <paramref name="text"/> says tags follow.</summary>
    public static bool HasLeadInKeyword(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }

            if (i - start <= 16 && LeadInKeywords.Contains(text[start..i].ToLowerInvariant()))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Splits at the first colon that ends a lead-in. A colon is skipped when it sits between digits
    /// ("12:30") or follows a tempo key ("BPM: 136" is a tag); a lead-in holding a comma must also name tags
    /// ("Sure, here are the tags:"), otherwise the colon belongs to a piece ("Piano, Mood: Calm").</summary>
    private static (string? LeadIn, string Remainder) SplitLeadIn(string text)
    {
        for (var colon = text.IndexOf(':', StringComparison.Ordinal); colon >= 0; colon = text.IndexOf(':', colon + 1))
        {
            if (colon > 0 && colon + 1 < text.Length && char.IsAsciiDigit(text[colon - 1]) && char.IsAsciiDigit(text[colon + 1]))
            {
                continue;
            }

            if (EndsWithTempoKey(text, colon))
            {
                continue;
            }

            var prefix = text[..colon];
            if (prefix.AsSpan().IndexOfAny(",;|") >= 0 && !HasLeadInKeyword(prefix))
            {
                return (null, text);
            }

            return (prefix, text[(colon + 1)..]);
        }
        return (null, text);
    }

    private static bool EndsWithTempoKey(string text, int colon)
    {
        var end = colon;
        while (end > 0 && text[end - 1] is ' ' or '*' or '"' or '\'' or '_')
        {
            end--;
        }

        var start = end;
        while (start > 0 && end - start < 6 && char.IsLetter(text[start - 1]))
        {
            start--;
        }

        if (start > 0 && char.IsLetter(text[start - 1]))
        {
            return false;
        }

        var word = text.AsSpan(start, end - start);
        return word.Equals("bpm", StringComparison.OrdinalIgnoreCase) || word.Equals("tempo", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>One piece made ready to normalise: a leading "and", "or", "&amp;" or "plus" from the end of a list
    /// removed, and an exclamation ending the list ("Fun!"); of a "key: value" piece, the value when it is tag-like, else the key when that is ("Piano: the soft
    /// melody" → "Piano"); tempo pieces ("BPM: 136") left whole.</summary>
    private static string TidyPiece(string raw)
    {
        var piece = raw.Trim();
        foreach (var conjunction in (ReadOnlySpan<string>)["and ", "or ", "& ", "plus "])
        {
            if (piece.StartsWith(conjunction, StringComparison.OrdinalIgnoreCase))
            {
                piece = piece[conjunction.Length..].TrimStart();
                break;
            }
        }
        piece = piece.TrimEnd('!', '.', ' ');
        if (TagNormaliser.TempoOf(piece) is not null)
        {
            return piece;
        }

        var colon = piece.LastIndexOf(':');
        if (colon < 0)
        {
            return piece;
        }

        var key = piece[..colon];
        var value = piece[(colon + 1)..];
        if (TagNormaliser.IsTagLike(value))
        {
            return value;
        }

        return TagNormaliser.IsTagLike(key) ? key : piece;
    }
}
