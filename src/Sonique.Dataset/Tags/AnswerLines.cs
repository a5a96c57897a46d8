namespace Sonique.Dataset.Tags;

/// <summary>What one non-blank line of an answer is, for the line-based readers.</summary>
internal enum LineKind
{
    /// <summary>Anything else: a comma list, a single tag, or prose.</summary>
    Text,

    /// <summary>A bullet ("-", "*", "+", "•") or numbered ("1.", "2)") item; its content is without the marker.</summary>
    Bullet,

    /// <summary>A line introducing what follows: ending in ':' ("Here are the tags:", "**Genre:**"), a markdown
    /// heading ("## Tags") or a bold-only label ("**Tags**").</summary>
    LeadIn,

    /// <summary>Code fences, rules and lone brackets: no letter or digit, or a ``` fence line.</summary>
    Decoration,
}

/// <summary>One non-blank line of an answer, trimmed, with its kind.</summary>
internal readonly record struct AnswerLine(LineKind Kind, string Content);

/// <summary>Splits an answer into classified lines, so list, comma-list and prose readers can tell a list's own
/// lines from the lead-ins, fences and sentences around it.</summary>
internal static class AnswerLines
{
    private const string BulletMarks = "•·▪◦‣→►▸○●";

    public static List<AnswerLine> Classify(string text)
    {
        var lines = new List<AnswerLine>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal) || !HasLetterOrDigit(line))
            {
                lines.Add(new AnswerLine(LineKind.Decoration, line));
            }
            else if (BulletContent(line) is { } content)
            {
                lines.Add(new AnswerLine(HasLetterOrDigit(content) ? LineKind.Bullet : LineKind.Decoration, content));
            }
            else if (IsLeadIn(line))
            {
                lines.Add(new AnswerLine(LineKind.LeadIn, line));
            }
            else
            {
                lines.Add(new AnswerLine(LineKind.Text, line));
            }
        }
        return lines;
    }

    /// <summary>The item after a bullet or list number, or null when the line is not a list item. "-", "*" and "+"
    /// need a space after them ("*calm*" is emphasis, "-120" a number); "**" is bold, not a bullet.</summary>
    private static string? BulletContent(string line)
    {
        var first = line[0];
        if (BulletMarks.Contains(first, StringComparison.Ordinal))
        {
            return line[1..].Trim();
        }

        if (first is '-' or '*' or '+' or '–' or '—' && line.Length > 1 && char.IsWhiteSpace(line[1]))
        {
            return line[2..].Trim();
        }

        var i = 0;
        while (i < line.Length && i < 3 && char.IsAsciiDigit(line[i]))
        {
            i++;
        }

        if (i > 0 && i + 1 < line.Length && line[i] is '.' or ')' && char.IsWhiteSpace(line[i + 1]))
        {
            return line[(i + 2)..].Trim();
        }

        return null;
    }

    private static bool IsLeadIn(string line)
    {
        if (line[0] == '#')
        {
            return true;
        }

        var bare = line.TrimEnd('*', '_', ' ', '#');
        if (bare.EndsWith(':'))
        {
            return true;
        }

        return line.Length > 4 && line.StartsWith("**", StringComparison.Ordinal) && line.EndsWith("**", StringComparison.Ordinal)
            && !line.AsSpan(2, line.Length - 4).ContainsAny("*,;");
    }

    private static bool HasLetterOrDigit(string text)
    {
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }
        return false;
    }
}
