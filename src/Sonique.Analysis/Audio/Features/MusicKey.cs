namespace Sonique.Analysis.Audio.Features;

/// <summary>A key as heard: tonic pitch class (0 = C), mode, and how well the chroma fits it (a correlation, -1..1).</summary>
public readonly record struct MusicKey(int Tonic, bool IsMinor, double Strength)
{
    private static readonly string[] Names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    public string TonicName => Names[Tonic];

    public string ModeName => IsMinor ? "minor" : "major";

    public override string ToString() => $"{TonicName} {ModeName}";
}
