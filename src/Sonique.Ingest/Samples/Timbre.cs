namespace Sonique.Ingest.Samples;

/// <summary>How a pitched part sounds; each is a small synthesis recipe in <see cref="PitchedVoice"/>.</summary>
public enum Timbre
{
    /// <summary>Two detuned, low-passed saws with a slow swell: a soft pad.</summary>
    Pad,

    /// <summary>A sine with a touch of its octave: sub or soft bass, and the tonic drone.</summary>
    Sine,

    /// <summary>Six harmonics, the higher ones dying sooner: piano-like.</summary>
    Piano,

    /// <summary>A Karplus-Strong string: plucked guitar, or acoustic bass when low.</summary>
    Pluck,

    /// <summary>Phase-modulated sine with a fading bell: electric piano.</summary>
    ElectricPiano,

    /// <summary>A band-limited square through a low-pass.</summary>
    Square,

    /// <summary>Two detuned band-limited saws with a closing filter.</summary>
    Saw,

    /// <summary>Saw and square driven into a soft clipper.</summary>
    Distorted,
}
