namespace Sonique.Tests.Shared.Evaluation;

/// <summary>The quality of the third above the tonic that a clip sounds, or none at all (open fifths, drones).</summary>
internal enum Third
{
    Major,
    Minor,
    None,
}

/// <summary>The kinds of music in the evaluation corpus: none of them is a sample library pattern.</summary>
internal enum EvaluationStyle
{
    Rock,
    FourOnTheFloor,
    Breakbeat,
    HalfTime,
    Shuffle,
    Waltz,
    SixEight,
    DriftingRock,
    Arpeggio,
    PianoChords,
    PadAndBass,
    HijazWithFrameDrum,
    HirajoshiPlucks,
    NoisyRock,
    ReverbPiano,
    PowerChords,
}

/// <summary>
/// One clip of the evaluation corpus and its ground truth. The tempo is the beat a listener counts (the dotted
/// quarter in 6/8, the quarter in 3/4 and in half time, the mean where the tempo drifts); the key is the tonic the
/// bass and the progression come home to, and its mode is the quality of the third above it, or none.
/// </summary>
internal sealed record EvaluationClip(string Id, EvaluationStyle Style, double TempoBpm, int Tonic, Third Third, int Seed)
{
    private static readonly string[] PitchClassNames = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    /// <summary>"A minor", "F# major", or the tonic alone ("D") when the clip has no third.</summary>
    public string KeyName => Third switch
    {
        Third.Major => $"{PitchClassNames[Tonic]} major",
        Third.Minor => $"{PitchClassNames[Tonic]} minor",
        _ => PitchClassNames[Tonic],
    };

    public override string ToString() => $"{Id} ({Style}, {TempoBpm:F1} BPM, {KeyName})";
}
