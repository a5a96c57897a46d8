namespace Sonique.Dataset.Pairs;

/// <summary>
/// Caps on how much of the training set one tag or one tempo band may take, so the fine-tuned model does not learn to
/// answer "Energetic, 120 BPM" to everything because most of its examples said so.
/// </summary>
/// <param name="MaxTagShare">The largest share of kept training clips any one tag may be on, in (0, 1]; null for no cap.</param>
/// <param name="MaxTempoBandShare">The largest share of kept training clips any one tempo band may hold, in (0, 1]; null for no cap.
/// Clips without a tempo are in no band but count in the total.</param>
/// <param name="TempoBandWidth">The width of a tempo band in BPM: a tempo's band starts at <c>floor(bpm / width) * width</c>.</param>
public sealed record BalanceOptions(double? MaxTagShare = null, double? MaxTempoBandShare = null, int TempoBandWidth = 20)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the option that is out of range.</summary>
    public void Validate()
    {
        if (MaxTagShare is { } tag && !(tag is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTagShare), tag, "The tag share cap must be in (0, 1], or null for none.");
        }

        if (MaxTempoBandShare is { } band && !(band is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTempoBandShare), band, "The tempo band share cap must be in (0, 1], or null for none.");
        }

        if (TempoBandWidth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TempoBandWidth), TempoBandWidth, "The tempo band width must be at least 1 BPM.");
        }
    }

    /// <summary>The lower bound of the band <paramref name="bpm"/> falls in (floored, so negative tempos fall below 0 too).</summary>
    public int TempoBandOf(int bpm) => (int)Math.Floor(bpm / (double)TempoBandWidth) * TempoBandWidth;

    /// <summary>The band's name as reasons and reports show it: "120-139 BPM".</summary>
    public string TempoBandName(int lower) => $"{lower}-{lower + TempoBandWidth - 1} BPM";
}
