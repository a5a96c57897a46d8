using Sonique.Media.Music;

namespace Sonique.Analysis.Audio.Features;

/// <summary>What a stretch of music measures, in units a person can check: the numbers the tags are read from.</summary>
public sealed record SoundFeatures
{
    /// <summary>The beat in BPM; 0 when the audio has no pulse (silence, a held tone).</summary>
    public required double TempoBpm { get; init; }

    /// <summary>The share of tracked beats that land on an accent (0..1): how far the tempo can be trusted.</summary>
    public double TempoConfidence { get; init; }

    /// <summary>Half or double the tempo when it scored nearly as well (the metrical level is ambiguous); 0 when
    /// the choice was clear.</summary>
    public double TempoAlternativeBpm { get; init; }

    public required MusicalKey Key { get; init; }

    /// <summary>The stronger third above the tonic (minor or major) over the tonic, in the chroma: below
    /// <see cref="KeyEstimate.OvertoneThird"/> the audio sounds no third (open fifths, a drone).</summary>
    public double ThirdShare { get; init; } = 1;

    /// <summary>False when the audio sounds no third: then <see cref="Key"/>'s mode is a guess, and no tag names it.</summary>
    public bool ModeKnown => ThirdShare >= KeyEstimate.OvertoneThird;

    /// <summary>How well the chroma fits <see cref="Key"/>'s profile: a correlation, -1..1.</summary>
    public required double KeyStrength { get; init; }

    /// <summary>RMS level in dB relative to full scale.</summary>
    public required double LoudnessDb { get; init; }

    /// <summary>Spread of the frame levels in dB: high for music that swells and drops, low for a steady wall.</summary>
    public required double DynamicsDb { get; init; }

    /// <summary>Power-weighted mean frequency: where the sound's brightness sits.</summary>
    public required double CentroidHertz { get; init; }

    /// <summary>Spectral flatness (0 = pure tones, 1 = white noise), averaged over frames: noise and distortion.</summary>
    public required double Flatness { get; init; }

    /// <summary>Share of power below 250 Hz.</summary>
    public required double BassShare { get; init; }

    /// <summary>Share of power above 4 kHz (cymbals, hats, air).</summary>
    public required double HighShare { get; init; }

    /// <summary>Detected onsets per second.</summary>
    public required double OnsetsPerSecond { get; init; }

    /// <summary>How much of the sound arrives as attacks: mean onset strength over mean level (log spectra).</summary>
    public required double Percussiveness { get; init; }

    public IReadOnlyDictionary<string, string> ToDetails()
    {
        var details = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["tempo_bpm"] = Format(TempoBpm, 1),
            ["tempo_confidence"] = Format(TempoConfidence, 2),
            ["key"] = ModeKnown ? Key.ToString() : Key.RootName,
            ["mode"] = ModeKnown ? (Key.Mode == Mode.Minor ? "minor" : "major") : "unknown (no third)",
            ["key_strength"] = Format(KeyStrength, 3),
            ["third_share"] = Format(ThirdShare, 3),
            ["loudness_db"] = Format(LoudnessDb, 1),
            ["dynamics_db"] = Format(DynamicsDb, 1),
            ["centroid_hz"] = Format(CentroidHertz, 0),
            ["flatness"] = Format(Flatness, 4),
            ["bass_share"] = Format(BassShare, 3),
            ["high_share"] = Format(HighShare, 3),
            ["onsets_per_second"] = Format(OnsetsPerSecond, 2),
            ["percussiveness"] = Format(Percussiveness, 3),
        };
        if (TempoAlternativeBpm > 0)
        {
            details["tempo_ambiguous"] = $"{Format(TempoBpm, 1)} or {Format(TempoAlternativeBpm, 1)} BPM: both metrical levels score nearly alike";
        }

        return details;
    }

    private static string Format(double value, int decimals) =>
        Math.Round(value, decimals).ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);
}
