using Sonique.Media.Music;

namespace Sonique.Ingest.Samples;

/// <summary>
/// Everything about one clip of the sample library, fixed by the library's seed, the clip's number and the
/// clip length alone: <see cref="SampleMusic"/> and <see cref="SampleVideo"/> render it, <see cref="SampleTruth"/>
/// records it.
/// </summary>
public sealed record SampleClip
{
    /// <summary>"sample-0001" for the first clip.</summary>
    public required string Id { get; init; }

    /// <summary>1-based position in the library.</summary>
    public required int Number { get; init; }

    /// <summary>The clip's own seed, from which its music draws its noise.</summary>
    public required ulong Seed { get; init; }

    public required string Title { get; init; }

    public required Mood Mood { get; init; }

    public required int TempoBpm { get; init; }

    public required MusicalKey Key { get; init; }

    /// <summary>The three palette colours this clip's shots are drawn from.</summary>
    public required IReadOnlyList<NamedColour> Colours { get; init; }

    public required IReadOnlyList<SampleShot> Shots { get; init; }

    public required double Seconds { get; init; }

    /// <summary>Reference tags in SONIQUE's style: genre, instruments, mood words, mode, tempo.</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    public MoodProfile Profile => MoodRule.Of(Mood);

    /// <summary>When each shot after the first begins: the hard cuts.</summary>
    public IReadOnlyList<double> CutTimes => [.. Shots.Skip(1).Select(s => s.StartSeconds)];
}
