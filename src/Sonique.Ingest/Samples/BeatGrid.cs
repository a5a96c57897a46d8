namespace Sonique.Ingest.Samples;

/// <summary>
/// Where each sixteenth note falls, in samples, at exactly the clip's tempo. Each onset is rounded from the
/// exact position on its own, so rounding never accumulates into drift.
/// </summary>
internal sealed class BeatGrid(int tempoBpm, int length)
{
    private readonly double _stepSamples = 60.0 * Wave.SampleRate / (tempoBpm * 4.0);

    public int Length { get; } = length;

    /// <summary>Bars that start inside the clip; the last may be cut short by its end.</summary>
    public int Bars => (int)Math.Ceiling(Length / (_stepSamples * Arrangement.StepsPerBar));

    public int Onset(int step) => (int)Math.Round(step * _stepSamples);
}
