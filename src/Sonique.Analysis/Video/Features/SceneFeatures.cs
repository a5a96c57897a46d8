using System.Globalization;

namespace Sonique.Analysis.Video.Features;

/// <summary>What a clip's frames measure: the numbers a description is worded from.</summary>
public sealed record SceneFeatures
{
    /// <summary>Colour names by share of the sampled frames' pixels, largest first (each at least 10%).</summary>
    public required IReadOnlyList<(string Name, double Share)> Colours { get; init; }

    /// <summary>Mean luma, 0 (black) to 255 (white).</summary>
    public required double Brightness { get; init; }

    /// <summary>Mean HSV saturation, 0 (grey) to 1 (pure colour).</summary>
    public required double Saturation { get; init; }

    /// <summary>Mean absolute change per pixel per second between neighbouring frames, cuts left out (0 to 255).</summary>
    public required double Motion { get; init; }

    /// <summary>Times, in seconds, where the picture changes at once.</summary>
    public required IReadOnlyList<double> Cuts { get; init; }

    public required double Seconds { get; init; }

    /// <summary>The typical shot length: the median of the shots with a cut at both ends when there are any,
    /// else the clip's length over its shot count.</summary>
    public double ShotSeconds
    {
        get
        {
            var whole = Cuts.Zip(Cuts.Skip(1), (a, b) => b - a).Order().ToList();
            return whole.Count > 0 ? whole[whole.Count / 2] : Seconds / (Cuts.Count + 1);
        }
    }

    public IReadOnlyDictionary<string, string> ToDetails() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["colours"] = string.Join(", ", Colours.Select(c => $"{c.Name} {c.Share.ToString("P0", CultureInfo.InvariantCulture)}")),
        ["brightness"] = Brightness.ToString("F1", CultureInfo.InvariantCulture),
        ["saturation"] = Saturation.ToString("F3", CultureInfo.InvariantCulture),
        ["motion"] = Motion.ToString("F2", CultureInfo.InvariantCulture),
        ["cuts"] = string.Join(" ", Cuts.Select(c => c.ToString("F2", CultureInfo.InvariantCulture))),
        ["shot_seconds"] = ShotSeconds.ToString("F2", CultureInfo.InvariantCulture),
        ["seconds"] = Seconds.ToString("F2", CultureInfo.InvariantCulture),
    };
}
