namespace Sonique.Analysis.Audio;

/// <summary>A clip's music tags in the original's form: the tags, then the tempo ("Piano, Calm, 92 BPM").</summary>
public sealed record AudioTags
{
    /// <summary>The tags, best first, without the tempo.</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>The tempo; 0 when the audio has no pulse (silence, a held tone), and then no tempo tag.</summary>
    public required int TempoBpm { get; init; }

    /// <summary>Named measurements behind the tags, for the report and for checking (key, loudness, ...).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary>Each chunk's own tags, in order (the original tagged 10 s chunks and merged them).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Chunks { get; init; } = [];

    public string Text => string.Join(", ", TempoBpm > 0 ? [.. Tags, $"{TempoBpm} BPM"] : Tags);

    /// <summary>How many tags fit beside the tempo under a cap that counts the tempo tag too, as every tagger's
    /// MaxTags does (the original's 20 tags were 19 and the tempo).</summary>
    public static int BesideTempo(int maxTags) => Math.Max(0, maxTags - 1);
}
