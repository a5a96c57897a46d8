using System.Globalization;
using System.Text;

namespace Sonique.Dataset.Tags;

/// <summary>Character-level clean-up shared by the normaliser and the parser, all single-pass scanning so that
/// hostile answers (megabytes, control characters, broken surrogates) cost linear time and never throw.</summary>
internal static class TagText
{
    /// <summary>How much of an answer is looked at: tag answers are a few hundred characters, and anything past
    /// this is a runaway generation whose tail carries no tags worth the time.</summary>
    public const int MaxAnswerChars = 64 * 1024;

    /// <summary>Words that tags essentially never contain but story and explanation clauses nearly always do
    /// (articles, pronouns, auxiliaries), used to tell a list of tags from a sentence split at its commas.</summary>
    private static readonly HashSet<string> ProseWords = new(
    [
        "a", "an", "the", "i", "me", "my", "you", "your", "he", "him", "his", "she", "her", "it", "its", "we", "us",
        "our", "they", "them", "their", "was", "were", "is", "are", "am", "be", "been", "being", "had", "has", "have",
        "did", "does", "do", "said", "would", "could", "should", "will", "can", "shall", "may", "might", "must",
        "there", "this", "that", "these", "those", "not", "if", "because", "when", "then", "which", "who",
    ], StringComparer.Ordinal);

    /// <summary>An answer made safe to scan: at most <see cref="MaxAnswerChars"/> (cut back to the last line or
    /// comma so no half item is left), then sanitised (see <see cref="Sanitise"/>) and stripped of markup tokens
    /// (see <see cref="WithoutMarkup"/>).</summary>
    public static string PrepareAnswer(string answer)
    {
        var text = answer;
        if (text.Length > MaxAnswerChars)
        {
            var cut = text.LastIndexOfAny([',', ';', '\n'], MaxAnswerChars - 1, 4096);
            text = text[..(cut > 0 ? cut : MaxAnswerChars)];
        }
        return WithoutMarkup(Sanitise(text, keepNewlines: true));
    }

    /// <summary>Angle-bracket markup replaced by a space: chat-template tokens a decoder left in ("&lt;/s&gt;",
    /// "&lt;|im_end|&gt;", "&lt;end_of_turn&gt;") and XML-style wrappers ("&lt;tags&gt;...&lt;/tags&gt;"), which would
    /// otherwise stick to the first or last tag. Only '&lt;' + a letter, '/', '|' or '!' + up to 40 characters with
    /// no space + '&gt;' counts, so "&lt;3" and "&lt; 120" stay.</summary>
    public static string WithoutMarkup(string text)
    {
        if (!text.Contains('<', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var end = text[i] == '<' ? MarkupEnd(text, i) : -1;
            if (end < 0)
            {
                sb.Append(text[i]);
                i++;
                continue;
            }
            sb.Append(' ');
            i = end + 1;
        }
        return sb.ToString();
    }

    private static int MarkupEnd(string text, int open)
    {
        if (open + 1 >= text.Length || !(char.IsLetter(text[open + 1]) || text[open + 1] is '/' or '|' or '!'))
        {
            return -1;
        }

        for (var i = open + 1; i < text.Length && i - open <= 41; i++)
        {
            if (text[i] == '>')
            {
                return i;
            }

            if (char.IsWhiteSpace(text[i]) || text[i] == '<')
            {
                return -1;
            }
        }
        return -1;
    }

    /// <summary>Whitespace control characters become spaces (newlines kept when asked, "\r\n" and "\r" becoming
    /// "\n"); other control characters, terminal escape sequences ("\u001b[0m"), lone surrogates and format
    /// characters are dropped, since inside a word they only split it.</summary>
    public static string Sanitise(string text, bool keepNewlines)
    {
        if (IsClean(text))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb.Append(c).Append(text[i + 1]);
                    i++;
                }
            }
            else if (char.IsLowSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                // dropped: broken pairs and invisible characters only split words
            }
            else if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                sb.Append(keepNewlines ? '\n' : ' ');
            }
            else if (c == '\n')
            {
                sb.Append(keepNewlines ? '\n' : ' ');
            }
            else if (c == '\u001b')
            {
                i = EndOfEscape(text, i);
            }
            else if (char.IsControl(c))
            {
                if (char.IsWhiteSpace(c))
                {
                    sb.Append(' ');
                }
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>The last index of a terminal escape sequence starting at <paramref name="esc"/> ("\u001b[0m"), at
    /// most 16 characters long; just the escape character when no sequence follows.</summary>
    private static int EndOfEscape(string text, int esc)
    {
        if (esc + 1 >= text.Length || text[esc + 1] != '[')
        {
            return esc;
        }

        for (var i = esc + 2; i < text.Length && i - esc <= 16; i++)
        {
            if (char.IsAsciiLetter(text[i]))
            {
                return i;
            }

            if (!char.IsAsciiDigit(text[i]) && text[i] != ';')
            {
                break;
            }
        }
        return esc;
    }

    private static bool IsClean(string text)
    {
        foreach (var c in text)
        {
            if (char.IsSurrogate(c) || c == '\r' || (char.IsControl(c) && c != '\n') || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>One tag's text without decoration: sanitised, markdown '*' and '`' removed anywhere, whitespace collapsed to single spaces and trimmed,
    /// then leading bullets, quotes, brackets, markdown and numbering ("1.", "2)") and trailing punctuation,
    /// quotes and unmatched closing brackets stripped, repeatedly, so only a letter or digit starts it and only a
    /// letter, digit or a bracket closing one opened inside it ends it. Empty when nothing is left.</summary>
    public static string Clean(string tag)
    {
        var text = Sanitise(tag, keepNewlines: false);
        if (text.AsSpan().IndexOfAny('*', '`') >= 0)
        {
            text = text.Replace("*", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal);
        }

        text = CollapseWhitespace(text);
        int start = 0, end = text.Length;
        while (true)
        {
            var before = start;
            while (start < end && !char.IsLetterOrDigit(text[start]))
            {
                start++;
            }

            start = SkipNumbering(text, start, end);
            if (start == before)
            {
                break;
            }
        }
        var paren = text.IndexOf('(', start);
        var bracket = text.IndexOf('[', start);
        while (end > start && !char.IsLetterOrDigit(text[end - 1]) && !ClosesInside(text[end - 1], paren, bracket, end))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Past a list number ("1.", "12)") at <paramref name="start"/> when a space or letter follows it;
    /// "2.5D", "80s" and "8-bit" are left alone.</summary>
    private static int SkipNumbering(string text, int start, int end)
    {
        var i = start;
        while (i < end && i - start < 3 && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == start || i >= end || (text[i] != '.' && text[i] != ')'))
        {
            return start;
        }

        var next = i + 1;
        if (next < end && !char.IsWhiteSpace(text[next]) && !char.IsLetter(text[next]))
        {
            return start;
        }

        return next;
    }

    /// <summary>Whether the last character (at <paramref name="end"/> - 1) closes a bracket opened inside the tag,
    /// as in "Rock (Alternative)", given the first '(' and '[' at or after the tag's start.</summary>
    private static bool ClosesInside(char last, int paren, int bracket, int end) => last switch
    {
        ')' => paren >= 0 && paren < end - 1,
        ']' => bracket >= 0 && bracket < end - 1,
        _ => false,
    };

    /// <summary>Runs of whitespace (any kind) as one space, ends trimmed.</summary>
    public static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                sb.Append(' ');
            }

            pendingSpace = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Whether cleaned text reads as a sentence rather than a label: ". " inside it, or "!" or "?".</summary>
    public static bool HasSentencePunctuation(string text) =>
        text.Contains(". ", StringComparison.Ordinal) || text.AsSpan().IndexOfAny('!', '?') >= 0;

    /// <summary>Space-separated words in already collapsed text.</summary>
    public static int WordCount(string collapsed)
    {
        if (collapsed.Length == 0)
        {
            return 0;
        }

        var count = 1;
        foreach (var c in collapsed)
        {
            if (c == ' ')
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Whether any word (a run of letters) is an article, pronoun or auxiliary, as in "there was a
    /// little girl" or "she loved to play": the mark of a clause, not a tag.</summary>
    public static bool HasProseWord(string text) =>
        TextToken.Scan(text).Any(t => t.Kind == TextTokenKind.Word && t.Text.Length <= 7 && ProseWords.Contains(t.Text));

    /// <summary>Whether a sentence ends inside the text: '.', '!', '?' or '…' followed by whitespace and then
    /// more words, as in "Jazz. I hope this helps!" (a final full stop alone is not a break).</summary>
    public static bool HasSentenceBreak(string text) => SentenceBreaks(text).Any();

    /// <summary>The text cut into sentences after each sentence break (see <see cref="HasSentenceBreak"/>).</summary>
    public static IEnumerable<string> Sentences(string text)
    {
        var start = 0;
        foreach (var cut in SentenceBreaks(text))
        {
            yield return text[start..cut];
            start = cut;
        }
        yield return text[start..];
    }

    private static IEnumerable<int> SentenceBreaks(string text)
    {
        var lastWord = text.Length - 1;
        while (lastWord >= 0 && !char.IsLetterOrDigit(text[lastWord]))
        {
            lastWord--;
        }

        for (var i = 0; i + 1 < lastWord; i++)
        {
            if (text[i] is '.' or '!' or '?' or '…' && char.IsWhiteSpace(text[i + 1]))
            {
                yield return i + 1;
            }
        }
    }
}
