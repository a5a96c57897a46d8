using System.Globalization;

namespace Sonique.Build.Host;

/// <summary>
/// The allowed values of a profile's numbers. Every number has both bounds, stated in the error: an absurd value
/// (samples.count: 100000000, download.seconds: 1e12) is refused when the profile loads, not hours later.
/// </summary>
internal static class NumberRange
{
    /// <summary>One problem per setting outside its inclusive [min, max] (NaN included); an unset optional one passes.</summary>
    public static IEnumerable<string> Problems(params (string Key, double? Value, double Min, double Max)[] settings) =>
        settings
            .Where(s => s.Value is { } value && !(value >= s.Min && value <= s.Max))
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} must be between {s.Min} and {s.Max}, not {s.Value}"));
}
