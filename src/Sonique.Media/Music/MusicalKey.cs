namespace Sonique.Media.Music;

/// <summary>
/// A key: its tonic as a pitch class (0 = C ... 11 = B) and its mode. The sample library composes in one and the
/// analysers estimate one, so both speak this type and a sample's truth compares with an estimate directly.
/// </summary>
public readonly record struct MusicalKey
{
    private static readonly string[] PitchClassNames = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    public MusicalKey(int root, Mode mode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(root, 11);
        Root = root;
        Mode = mode;
    }

    public int Root { get; }

    public Mode Mode { get; }

    /// <summary>The tonic's name, spelled with sharps: "A", "F#".</summary>
    public string RootName => PitchClassNames[Root];

    public static string NameOf(int pitchClass) => PitchClassNames[((pitchClass % 12) + 12) % 12];

    public override string ToString() => $"{RootName} {(Mode == Mode.Major ? "major" : "minor")}";
}
