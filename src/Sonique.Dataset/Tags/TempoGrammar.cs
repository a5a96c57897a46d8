namespace Sonique.Dataset.Tags;

/// <summary>Reads a tempo from words rather than characters, so "136BPM", "BPM: 136", "Tempo 136 BPM",
/// "~120 bpm", "120-130 beats per minute" and "between 80 and 100 BPM" share one small grammar; the shared tokeniser (<see cref="TextToken"/>) and a matcher
/// that looks at a bounded number of tokens per start keep it linear on any input (no regex backtracking).</summary>
internal static class TempoGrammar
{
    /// <summary>The tempi a music tag can plausibly state; numbers outside are years, counts or noise.</summary>
    public const int MinBpm = 20;

    /// <inheritdoc cref="MinBpm"/>
    public const int MaxBpm = 400;

    private static readonly HashSet<string> Approximately =
        new(["around", "about", "approximately", "approx", "roughly", "circa", "ca", "nearly", "near", "some", "between"], StringComparer.Ordinal);

    private static readonly HashSet<string> KeyFillers =
        new(["of", "is", "at", "set", "to", "be", "should", "would", "will", "a", "an"], StringComparer.Ordinal);

    private const string KeySymbols = ":=\"'`“”‘’(~≈-";
    private const string ApproxSymbols = "~≈";
    private const string RangeSymbols = "-–—~";

    /// <summary>The tempo when the whole of <paramref name="text"/> is a tempo expression, else null.</summary>
    public static int? WholeOf(string text)
    {
        var tokens = TextToken.Scan(text).ToList();
        var start = 0;
        var end = tokens.Count;
        while (start < end && tokens[start].Kind == TextTokenKind.Symbol)
        {
            start++;
        }

        while (end > start && tokens[end - 1].Kind == TextTokenKind.Symbol)
        {
            end--;
        }

        return Match(tokens, start, end, whole: true, out var stop) is { } bpm && stop == end ? bpm : null;
    }

    /// <summary>The first tempo stated anywhere in <paramref name="text"/> ("played at 90 BPM", "tempo of 120",
    /// "\"bpm\": 128"), else null; a bare number never counts.</summary>
    public static int? FirstIn(string text)
    {
        var tokens = TextToken.Scan(text).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (Match(tokens, i, tokens.Count, whole: false, out _) is { } bpm)
            {
                return bpm;
            }
        }
        return null;
    }

    private static int? Match(List<TextToken> t, int i, int end, bool whole, out int stop)
    {
        stop = i;
        var keyed = false;
        if (i < end && (t[i].Is("tempo") || t[i].Is("bpm")))
        {
            keyed = true;
            i++;
            for (var n = 0; n < 4 && i < end && (t[i].IsSymbolIn(KeySymbols) || t[i].IsWordIn(KeyFillers) || t[i].IsWordIn(Approximately)); n++)
            {
                i++;
            }
        }
        else
        {
            for (var n = 0; n < 2 && i < end && (t[i].IsSymbolIn(ApproxSymbols) || whole && t[i].IsWordIn(Approximately)); n++)
            {
                i++;
            }

            if (i < end && t[i].Is('.') && i > 0 && t[i - 1].Is("approx"))
            {
                i++;
            }
        }

        if (i >= end || t[i].Kind != TextTokenKind.Number)
        {
            return null;
        }

        var low = t[i].Value;
        var high = low;
        i++;
        var between = i >= 2 && t[i - 2].Is("between");
        if (i + 1 < end && (t[i].IsSymbolIn(RangeSymbols) || t[i].Is("to") || (between && t[i].Is("and"))) && t[i + 1].Kind == TextTokenKind.Number)
        {
            high = t[i + 1].Value;
            i += 2;
        }

        var unit = UnitLength(t, i, end);
        if (unit == 0)
        {
            // Without a unit only a "tempo"/"bpm" key makes a number a tempo; in running text the number must also
            // end the phrase ("tempo in the 80s" is a decade, not 80 BPM).
            if (!keyed || !whole && i < end && t[i].Kind != TextTokenKind.Symbol)
            {
                return null;
            }
        }
        i += unit;
        stop = i;

        if (!InRange(low) || !InRange(high))
        {
            return null;
        }

        return (int)Math.Round((low + high) / 2, MidpointRounding.AwayFromZero);
    }

    private static bool InRange(double bpm) => bpm >= MinBpm && bpm <= MaxBpm;

    /// <summary>How many tokens the unit at <paramref name="i"/> takes: "bpm", "beats per minute", "beats/min"; 0 if none.</summary>
    private static int UnitLength(List<TextToken> t, int i, int end)
    {
        if (i >= end)
        {
            return 0;
        }

        if (t[i].Is("bpm"))
        {
            return 1;
        }

        if (!t[i].Is("beats") && !t[i].Is("beat"))
        {
            return 0;
        }

        if (i + 2 < end && (t[i + 1].Is("per") || t[i + 1].Is('/')) && (t[i + 2].Is("minute") || t[i + 2].Is("min")))
        {
            return 3;
        }

        return 0;
    }
}
