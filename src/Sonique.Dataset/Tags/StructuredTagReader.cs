using System.Globalization;
using System.Text;

namespace Sonique.Dataset.Tags;

/// <summary>Finds tag lists written as JSON or Python literals, leniently: models copy the prompt's
/// <c>{{'tags': [...]}}</c> with its doubled braces and single quotes, wrap it in code fences and prose, use
/// other keys ("music_tags"), give the value as one comma string, nest dicts, and stop mid-item at the token limit.
/// A real JSON parser rejects most of these, so this is a small hand-written reader that collects the string
/// leaves it can complete; nesting is capped and every character is read at most a bounded number of times.</summary>
internal static class StructuredTagReader
{
    private const int MaxDepth = 32;
    private const int MaxCandidates = 8;
    private const int MaxKeyChars = 32;

    /// <summary>Raw tag texts from each literal that might hold the tags, best first: the value of each key that
    /// names tags ("tags", "Tags", "music_tags"; after ':' or, Python-style, '='), then each bracketed list or dict of quoted strings. The caller
    /// takes the first candidate that yields tags, so an echoed <c>['tag1', 'tag2']</c> placeholder is skipped.</summary>
    public static IEnumerable<IReadOnlyList<string>> Candidates(string text)
    {
        var tried = 0;
        for (var colon = text.IndexOfAny(KeyValueSeparators); colon >= 0 && tried < MaxCandidates; colon = NextSeparator(text, colon))
        {
            if (KeyBefore(text, colon) is not { } key || !key.Name.Contains("tag", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = SkipWhitespace(text, colon + 1);
            if (value >= text.Length)
            {
                continue;
            }

            var opens = text[value] is '[' or '{' or '(';
            if (!opens && !(key.Quoted && IsQuote(text[value])))
            {
                continue;
            }

            tried++;
            var reader = new Reader(text, value);
            var items = reader.ReadTopValue();
            if (items.Count > 0 && (key.Quoted || reader.SawQuotedString))
            {
                yield return items;
            }
        }

        for (var i = text.IndexOfAny(['[', '{']); i >= 0 && tried < MaxCandidates; i = NextOpening(text, i))
        {
            var j = i;
            while (j < text.Length && (text[j] is '[' or '{' || char.IsWhiteSpace(text[j])))
            {
                j++;
            }

            if (j >= text.Length)
            {
                yield break;
            }

            if (!IsQuote(text[j]))
            {
                i = j - 1;
                continue;
            }
            tried++;
            var reader = new Reader(text, i);
            var items = reader.ReadTopValue();
            if (items.Count > 0)
            {
                yield return items;
            }

            i = Math.Max(i, reader.Position - 1);
        }
    }

    private static readonly char[] KeyValueSeparators = [':', '='];

    private static int NextSeparator(string text, int after) =>
        after + 1 < text.Length ? text.IndexOfAny(KeyValueSeparators, after + 1) : -1;

    private static int NextOpening(string text, int after) =>
        after + 1 < text.Length ? text.IndexOfAny(['[', '{'], after + 1) : -1;

    private readonly record struct Key(string Name, bool Quoted);

    /// <summary>The key ending just before a ':' or '=' at <paramref name="colon"/>: a quoted or bare run of letters,
    /// digits, '_' and '-' (spaces too inside quotes), at most <see cref="MaxKeyChars"/> long.</summary>
    private static Key? KeyBefore(string text, int colon)
    {
        var k = colon - 1;
        while (k >= 0 && colon - k <= 8 && text[k] is ' ' or '\t')
        {
            k--;
        }

        if (k < 0)
        {
            return null;
        }

        var quoted = IsQuote(text[k]);
        if (quoted)
        {
            k--;
        }

        var end = k + 1;
        while (k >= 0 && end - k <= MaxKeyChars && (char.IsLetterOrDigit(text[k]) || text[k] is '_' or '-' || (quoted && text[k] == ' ')))
        {
            k--;
        }

        var start = k + 1;
        if (start >= end)
        {
            return null;
        }

        if (quoted && (k < 0 || !IsQuote(text[k])))
        {
            return null;
        }

        if (!quoted && k >= 0 && char.IsLetterOrDigit(text[k]))
        {
            return null;
        }

        return new Key(text[start..end], quoted);
    }

    private static int SkipWhitespace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsQuote(char c) => c is '"' or '\'' or '“' or '”' or '‘' or '’' or '`';

    private static char Closer(char open) => open switch { '“' => '”', '‘' => '’', _ => open };

    /// <summary>One pass over one literal, collecting the texts of its complete leaves (dict values, not keys).</summary>
    private sealed class Reader(string text, int position)
    {
        private readonly List<string> _items = [];

        /// <summary>Where reading stopped.</summary>
        public int Position { get; private set; } = position;

        /// <summary>Whether any quoted string was read (a bare <c>[Piano, Drums]</c> is left to the line reader).</summary>
        public bool SawQuotedString { get; private set; }

        /// <summary>The raw tag texts of the literal at the start position. A top-level string is a comma list
        /// (its unfinished last item dropped when the answer stops inside it); quoted strings inside lists and dicts
        /// are split at commas too, since some models put every tag in one string.</summary>
        public List<string> ReadTopValue()
        {
            Position = SkipWhitespace(text, Position);
            if (Position < text.Length && IsQuote(text[Position]))
            {
                var (value, complete) = ReadString();
                var parts = SplitItems(value);
                _items.AddRange(complete ? parts : parts.Take(parts.Count - 1));
                return _items;
            }
            ReadValue(0, key: null);
            return _items;
        }

        private void ReadValue(int depth, string? key)
        {
            Position = SkipWhitespace(text, Position);
            if (Position >= text.Length)
            {
                return;
            }

            switch (text[Position])
            {
                case '[':
                case '(':
                    ReadSequence(depth + 1, key);
                    break;
                case '{':
                    ReadDict(depth + 1);
                    break;
                case var c when IsQuote(c):
                    var (value, complete) = ReadString();
                    if (complete)
                    {
                        AddLeaf(value, key, quoted: true);
                    }

                    break;
                default:
                    var (bare, ended) = ReadBare();
                    if (ended)
                    {
                        AddLeaf(bare, key, quoted: false);
                    }

                    break;
            }
        }

        private void ReadSequence(int depth, string? key)
        {
            Position++;
            if (depth > MaxDepth)
            {
                Position = text.Length;
                return;
            }
            while (true)
            {
                Position = SkipWhitespace(text, Position);
                if (Position >= text.Length)
                {
                    return;
                }

                var c = text[Position];
                if (c is ']' or ')' or '}')
                {
                    Position++;
                    return;
                }
                if (c == ',')
                {
                    Position++;
                    continue;
                }
                var before = Position;
                ReadValue(depth, key);
                if (Position == before)
                {
                    Position++;
                }
            }
        }

        private void ReadDict(int depth)
        {
            Position++;
            if (depth > MaxDepth)
            {
                Position = text.Length;
                return;
            }
            while (true)
            {
                Position = SkipWhitespace(text, Position);
                if (Position >= text.Length)
                {
                    return;
                }

                var c = text[Position];
                if (c is '}' or ']' or ')')
                {
                    Position++;
                    return;
                }
                if (c == ',')
                {
                    Position++;
                    continue;
                }
                if (c is '{' or '[')
                {
                    // {{'tags': [...]}}: the doubled brace opens the real dict.
                    ReadValue(depth, key: null);
                    continue;
                }
                var before = Position;
                string key;
                if (IsQuote(c))
                {
                    var (name, complete) = ReadString();
                    if (!complete)
                    {
                        return;
                    }

                    key = name;
                }
                else
                {
                    key = ReadBare().Text;
                }
                Position = SkipWhitespace(text, Position);
                if (Position < text.Length && text[Position] is ':' or '=')
                {
                    Position++;
                    ReadValue(depth, key);
                }
                else if (key.Length > 0)
                {
                    AddLeaf(key, key: null, quoted: IsQuote(c)); // a set, not a dict: {'Piano', 'Drums'}
                }
                if (Position == before)
                {
                    Position++;
                }
            }
        }

        /// <summary>A quoted string and whether its closing quote was found. A quote only closes when what follows
        /// it (after spaces) ends the item; a line end before the closing quote leaves it incomplete (',', ']', '}', ')', ':' or the end), so the apostrophe in
        /// <c>'Children's Music'</c> stays inside; backslash escapes are decoded.</summary>
        private (string Value, bool Complete) ReadString()
        {
            var closer = Closer(text[Position]);
            Position++;
            var sb = new StringBuilder();
            while (Position < text.Length)
            {
                var c = text[Position];
                if (c == '\\' && Position + 1 < text.Length)
                {
                    Position += 2;
                    sb.Append(Unescape(text[Position - 1]));
                    continue;
                }
                if ((c == closer || (closer == '\'' && c == '’')) && EndsItem(Position + 1))
                {
                    Position++;
                    SawQuotedString = true;
                    return (sb.ToString(), true);
                }
                if (c == '\n')
                {
                    return (sb.ToString(), false); // a tag never spans lines: an unclosed quote ends at the line
                }

                sb.Append(c);
                Position++;
            }
            return (sb.ToString(), false);
        }

        private char Unescape(char escaped)
        {
            switch (escaped)
            {
                case 'n':
                case 'r':
                case 't':
                    return ' ';
                case 'u' when Position + 4 <= text.Length
                    && int.TryParse(text.AsSpan(Position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    Position += 4;
                    return (char)code;
                default:
                    return escaped;
            }
        }

        private bool EndsItem(int after)
        {
            var limit = Math.Min(text.Length, after + 64);
            var i = after;
            while (i < limit && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            return i >= text.Length || i == limit || text[i] is ',' or ']' or '}' or ')' or ':' or '=';
        }

        /// <summary>An unquoted token up to ',', ']', '}', ')', ':', '=' or a line end; not ended when the text runs out first.</summary>
        private (string Text, bool Ended) ReadBare()
        {
            var start = Position;
            while (Position < text.Length && text[Position] is not (',' or ']' or '}' or ')' or ':' or '=' or '\n'))
            {
                Position++;
            }

            return (text[start..Position].Trim(), Position < text.Length);
        }

        /// <summary>Keeps a leaf as raw tag text: strings split at commas; a number under a tempo or bpm key as
        /// "N BPM"; other unquoted numbers (scores, counts) and true/false/null dropped.</summary>
        private void AddLeaf(string value, string? key, bool quoted)
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                if (key is not null && (key.Contains("tempo", StringComparison.OrdinalIgnoreCase) || key.Contains("bpm", StringComparison.OrdinalIgnoreCase)))
                {
                    _items.Add(value + " BPM");
                }
                else if (quoted)
                {
                    _items.Add(value); // "808" is a tag; a bare 0.9 is a score
                }

                return;
            }
            if (!quoted && value.ToLowerInvariant() is "true" or "false" or "null" or "none")
            {
                return;
            }

            _items.AddRange(SplitItems(value));
        }
    }

    /// <summary>A comma list inside one string: "Piano, Drums; Jazz" as three items.</summary>
    public static List<string> SplitItems(string value) =>
        [.. value.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}
