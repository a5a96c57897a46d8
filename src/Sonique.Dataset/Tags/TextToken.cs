using System.Globalization;

namespace Sonique.Dataset.Tags;

internal enum TextTokenKind { Number, Word, Symbol }

/// <summary>One piece of answer text as the tag readers see it: a number (ASCII digits, an optional decimal part), a
/// word (a run of letters, lower-cased) or a single other character. The one word scanner the tempo grammar and the
/// prose test share, so "a word" means the same to both.</summary>
internal readonly record struct TextToken(TextTokenKind Kind, string Text, double Value)
{
    public bool Is(string word) => Kind == TextTokenKind.Word && string.Equals(Text, word, StringComparison.Ordinal);

    public bool Is(char symbol) => Kind == TextTokenKind.Symbol && Text[0] == symbol;

    public bool IsWordIn(HashSet<string> words) => Kind == TextTokenKind.Word && words.Contains(Text);

    public bool IsSymbolIn(string symbols) => Kind == TextTokenKind.Symbol && symbols.Contains(Text[0], StringComparison.Ordinal);

    /// <summary>The tokens of <paramref name="text"/> in order; whitespace separates and is dropped. Lazy, so a caller
    /// that stops at the first word it wants scans no further.</summary>
    public static IEnumerable<TextToken> Scan(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                var integerDigits = i - start;
                if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }
                }
                var number = text[start..i];
                var value = integerDigits > 6 ? double.PositiveInfinity : double.Parse(number.Length > 16 ? number[..16] : number, CultureInfo.InvariantCulture);
                yield return new TextToken(TextTokenKind.Number, number, value);
            }
            else if (char.IsLetter(c))
            {
                var start = i;
                while (i < text.Length && char.IsLetter(text[i]))
                {
                    i++;
                }

                yield return new TextToken(TextTokenKind.Word, text[start..i].ToLowerInvariant(), 0);
            }
            else
            {
                yield return new TextToken(TextTokenKind.Symbol, text[i].ToString(), 0);
                i++;
            }
        }
    }
}
