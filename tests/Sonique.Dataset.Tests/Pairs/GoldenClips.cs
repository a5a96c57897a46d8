using Sonique.Dataset.Pairs;
using Sonique.Media.Clips;

namespace Sonique.Dataset.Tests.Pairs;

/// <summary>
/// The clips of golden/make_golden.py, spelled again in C#: every kind of character Python's json.dumps escapes
/// (quotes, backslashes, line breaks, tabs, control characters, DEL, accents, CJK, emoji, lone and reversed surrogates),
/// and the original's own example. The golden comparison proves both spellings are the same text.
/// </summary>
internal static class GoldenClips
{
    public const string Salt = "golden";

    public static readonly SplitRatios Ratios = new(Validation: 0.25, Test: 0.25);

    public const string OriginalUser =
        "The scene shows a group of young men standing on railroad tracks in a city. They are wearing hats and sunglasses, "
        + "and there are black and white striped bags visible. There are also street signs and cars parked in the background. "
        + "The scene changes throughout the video, with the men sometimes standing together and sometimes standing on the "
        + "railroad tracks alone.";

    public const string OriginalAssistant =
        "Piano, Groovy Bass, Drumming, Live Performance, Hip-Hop, Rap, Electric Guitar, Upbeat, Urban, Pop, Energetic, "
        + "Male Vocals, Bass Guitar, Synth Lead, 136 bpm";

    public static readonly ClipPair Original = new(
        ClipId.Parse("original-example"),
        OriginalUser,
        OriginalAssistant,
        ["Piano", "Groovy Bass", "Drumming", "Live Performance", "Hip-Hop", "Rap", "Electric Guitar", "Upbeat", "Urban", "Pop", "Energetic", "Male Vocals", "Bass Guitar", "Synth Lead"],
        136);

    /// <summary>In an order that is not the clip-id order, so writers have to sort.</summary>
    public static IReadOnlyList<ClipPair> All { get; } =
    [
        new(ClipId.Parse("clip-08-html"), "<script>alert('x')</script> & 'single' quotes, slashes // and \\/ done {{braces}}", "Rock, Electric Guitar, 150 BPM", ["Rock", "Electric Guitar"], 150),
        Original,
        new(ClipId.Parse("clip-01-quotes"), "A sign reads \"EXIT\" and a path C:\\music\\video.mp4 is shown; half/quarter", "Piano, \"Soft\" Rock, 92 BPM", ["Piano", "\"Soft\" Rock"], 92),
        new(ClipId.Parse("clip-05-emoji"), "A party \U0001F389 with music \U0001F3B5 and a thumbs up \U0001F44D\U0001F3FD.", "Pop, Energetic, 124 BPM", ["Pop", "Energetic"], 124),
        new(ClipId.Parse("clip-02-whitespace"), "Line one.\nLine two.\r\n\tIndented\tcolumns.  Two spaces.", "Ambient, Calm, 70 BPM", ["Ambient", "Calm"], 70),
        new(ClipId.Parse("clip-06-surrogates"), "lone high \ud83d here, lone low \udc80 there, reversed \udc00\ud800 end", "Glitch, Noise\udfff, 140 BPM", ["Glitch", "Noise\udfff"], 140),
        new(ClipId.Parse("clip-03-accents"), "Un café près de la fenêtre, déjà vu. Ça commence à l'aube.", "Acoustic Guitar, Café Jazz, 110 BPM", ["Acoustic Guitar", "Café Jazz"], 110),
        new(ClipId.Parse("clip-09-empty"), "", "", [], null),
        new(ClipId.Parse("clip-07-control"), "nul\0 soh\u0001 bell\a bs\b ff\f vt\v esc\u001b us\u001f del\u007f nbsp\u00a0 ls\u2028 ps\u2029 bom\ufeff end", "Drums, 100 BPM", ["Drums"], 100),
        new(ClipId.Parse("clip-04-cjk"), "城市夜景，霓虹灯闪烁。A city at night, neon lights flicker.", "Synth, 电子, 128 BPM", ["Synth", "电子"], 128),
    ];

    public static IReadOnlyList<ClipPair> ByClipId { get; } = [.. All.OrderBy(c => c.ClipId)];

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Pairs", "golden", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));
}
