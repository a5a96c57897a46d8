namespace Sonique.Ingest.Samples;

/// <summary>What a pitched part plays from the bar's chord.</summary>
public enum PartRole
{
    /// <summary>The whole triad at each note-on.</summary>
    Chord,

    /// <summary>Chord tones one at a time, rising through two octaves, restarting each bar.</summary>
    Arpeggio,

    /// <summary>The chord's root; in the rhythm 'o' plays it an octave up and '5' plays its fifth.</summary>
    Bass,

    /// <summary>The key's tonic held through the whole clip, whatever the rhythm says: a pedal that names the key.</summary>
    Drone,
}
