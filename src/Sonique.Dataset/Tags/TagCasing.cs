using System.Text;

namespace Sonique.Dataset.Tags;

/// <summary>One canonical spelling per tag, so "groovy bass", "Groovy Bass" and "GROOVY BASS" count as the same
/// tag in metrics and de-duplication.</summary>
internal static class TagCasing
{
    /// <summary>Abbreviations written in capitals whatever case the model used, so "edm" matches a reference "EDM".
    /// Kept short and unambiguous: "US", "AM" and the like are also ordinary words.</summary>
    private static readonly Dictionary<string, string> Acronyms = new[]
    {
        "EDM", "IDM", "EBM", "DJ", "MC", "R&B", "UK", "USA", "MIDI", "ASMR", "TV", "VHS", "LFO", "FM", "OST", "EP", "LP", "NYC",
    }.ToDictionary(a => a, a => a, StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical case of cleaned tag text: each word capitalised, with the parts of hyphenated and
    /// joined words capitalised too ("Hip-Hop", "Lo-Fi", "Rock/Pop"); known acronyms in capitals; other all-capital
    /// words of 2 to 4 letters kept as written ("EDM", "R&B", "DJ"), unless the whole tag is shouted (every letter
    /// a capital, more than 4 letters, as in "HEAVY BASS"); words with digits lower-cased ("80s", "8-bit").</summary>
    public static string Canonical(string cleaned)
    {
        var shouted = IsShouted(cleaned);
        var words = cleaned.Split(' ');
        for (var w = 0; w < words.Length; w++)
        {
            words[w] = CanonicalWord(words[w], shouted);
        }

        return string.Join(' ', words);
    }

    private static string CanonicalWord(string word, bool shouted)
    {
        if (Acronyms.TryGetValue(word, out var acronym))
        {
            return acronym;
        }

        if (word.Any(char.IsDigit))
        {
            return word.ToLowerInvariant();
        }

        if (!shouted && IsShortCapitals(word))
        {
            return word;
        }

        var sb = new StringBuilder(word.Length);
        var startOfPart = true;
        foreach (var c in word)
        {
            if (char.IsLetter(c))
            {
                sb.Append(startOfPart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
                startOfPart = false;
            }
            else
            {
                sb.Append(c);
                startOfPart = c is '-' or '/' or '&' or '+' or '(' or '[' or '"';
            }
        }
        return sb.ToString();
    }

    /// <summary>2 to 4 letters, all capitals (other characters such as '&' allowed): "EDM", "R&B", "DJ".</summary>
    private static bool IsShortCapitals(string word) => CapitalLetters(word) is >= 2 and <= 4;

    private static bool IsShouted(string text) => CapitalLetters(text) > 4;

    /// <summary>How many letters the text has when every one is a capital; -1 as soon as one is not.</summary>
    private static int CapitalLetters(string text)
    {
        var letters = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c))
            {
                continue;
            }

            if (!char.IsUpper(c))
            {
                return -1;
            }

            letters++;
        }
        return letters;
    }
}
