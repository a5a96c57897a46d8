using System.Globalization;

namespace Sonique.Dataset.Tags;

/// <summary>Turns tag text into one canonical form, applied alike to parsed model answers and to reference tags so
/// that metrics compare like with like.
/// <list type="bullet">
/// <item>Clean-up: control characters removed, whitespace collapsed and trimmed; surrounding quotes, brackets,
/// markdown, bullets and list numbers ("1.", "2)") stripped from the start, trailing punctuation, quotes and
/// unmatched closing brackets from the end.</item>
/// <item>Case: each word capitalised, parts of hyphenated words too ("hip-hop" → "Hip-Hop", "lo-fi" → "Lo-Fi");
/// all-capital words of 2-4 letters kept ("EDM", "R&amp;B", "DJ") unless the whole tag is shouted ("HEAVY BASS" →
/// "Heavy Bass"); a few known acronyms always in capitals ("edm" → "EDM"); words with digits lower-cased ("80s",
/// "8-bit").</item>
/// <item>Tempo: any tempo expression becomes exactly "N BPM"; in a list only the first tempo is kept, placed last.
/// Tempo words such as "Fast Tempo" are ordinary tags.</item>
/// <item>Not a tag: nothing left, no letter or digit, more than 6 words or 60 characters, sentence punctuation
/// (". " inside, or "!" or "?" anywhere, even last: "Is it jazz?" is a question), or a comma or semicolon (several
/// tags in one).</item>
/// <item>Lists: de-duplicated case-insensitively (first kept), at most 64 tags in all.</item>
/// </list></summary>
public static class TagNormaliser
{
    /// <summary>Most tags kept from one list, the tempo tag included: the dataset's answers have about 15, and a
    /// runaway generation should not swamp a metric.</summary>
    public const int MaxTags = 64;

    /// <summary>Longest tag, in characters: the longest real tags ("Cinematic Orchestral Build") are about 30.</summary>
    public const int MaxTagChars = 60;

    /// <summary>Most words in a tag: beyond this it is a phrase or a sentence.</summary>
    public const int MaxTagWords = 6;

    /// <summary>The canonical form of one tag (see the class rules), or null when the text is not a tag.</summary>
    public static string? Normalise(string tag)
    {
        if (tag is null)
        {
            return null;
        }

        var cleaned = TagText.Clean(tag);
        if (cleaned.Length == 0)
        {
            return null;
        }

        if (cleaned.Length <= 120 && TempoGrammar.WholeOf(cleaned) is { } bpm)
        {
            return BpmTag(bpm);
        }

        if (cleaned.Length > MaxTagChars
            || TagText.WordCount(cleaned) > MaxTagWords
            || TagText.HasSentencePunctuation(cleaned)
            || tag.AsSpan().IndexOfAny('!', '?') >= 0
            || cleaned.AsSpan().IndexOfAny(',', ';') >= 0)
        {
            return null;
        }

        return TagCasing.Canonical(cleaned);
    }

    /// <summary>Normalises a list: each entry split at commas and semicolons (so a reference line such as
    /// "Synthwave, Heavy Bass, 128 BPM" can be passed whole), non-tags dropped, duplicates dropped
    /// case-insensitively (first kept), the first tempo kept as one "N BPM" tag placed last (later tempi dropped),
    /// at most <see cref="MaxTags"/> tags in all.</summary>
    public static IReadOnlyList<string> NormaliseAll(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var list = new TagListBuilder(skipPlaceholders: false);
        foreach (var entry in tags)
        {
            if (entry is null)
            {
                continue;
            }

            foreach (var part in entry.Split([',', ';']))
            {
                list.Add(part);
            }
        }
        return list.Build(fallbackTempo: null);
    }

    /// <summary>The tempo a tag states, when the whole tag is a tempo: "136 bpm", "136BPM", "BPM: 136",
    /// "Tempo 136 BPM", "Tempo: 136", "~120 BPM", "136 beats per minute" give 136 (or 120); a range "120-130 BPM"
    /// gives its midpoint rounded away from zero (125). Only 20 to 400 BPM count; anything else, including "Fast
    /// Tempo" and a bare number, is null.</summary>
    public static int? TempoOf(string tag)
    {
        if (tag is null || tag.Length > 1024)
        {
            return null;
        }

        var cleaned = TagText.Clean(tag);
        return cleaned.Length is 0 or > 120 ? null : TempoGrammar.WholeOf(cleaned);
    }

    /// <summary>The canonical tempo tag: "136 BPM".</summary>
    internal static string BpmTag(int bpm) => bpm.ToString(CultureInfo.InvariantCulture) + " BPM";

    /// <summary>Whether a piece of an answer reads as a tag rather than a clause: a tempo, or a valid tag with no
    /// article, pronoun or auxiliary in it and not a prompt placeholder ("tag1"). Deciding whether a comma-split
    /// line is a tag list rests on this.</summary>
    internal static bool IsTagLike(string piece)
    {
        if (TempoOf(piece) is not null)
        {
            return true;
        }

        return Normalise(piece) is { } tag && !TagText.HasProseWord(tag) && !IsPlaceholder(tag);
    }

    /// <summary>"Tag1", "tag 2": the placeholders of the prompt's example answer, echoed by weak models.</summary>
    internal static bool IsPlaceholder(string normalised)
    {
        var span = normalised.AsSpan();
        if (!span.StartsWith("tag", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        span = span[3..].TrimStart(' ');
        return span.Length > 0 && !span.ContainsAnyExceptInRange('0', '9');
    }
}
