using System.Globalization;

namespace Sonique.Engine.Tests.Storage;

/// <summary>Item records as one line each, every field included, so that two sets of records compare as text.</summary>
internal static class ItemRecordText
{
    public static List<string> Of(IReadOnlyDictionary<string, ItemRecord>? items) =>
        (items ?? new Dictionary<string, ItemRecord>())
            .OrderBy(i => i.Key, StringComparer.Ordinal)
            .Select(i => string.Create(
                CultureInfo.InvariantCulture,
                $"{i.Key} fingerprint={i.Value.Fingerprint} values={Map(i.Value.Values)} inputs={Map(i.Value.Inputs)} outputs={Map(i.Value.Outputs)} failure={i.Value.Failure ?? "-"} permanent={i.Value.Permanent}"))
            .ToList();

    private static string Map(IReadOnlyDictionary<string, string>? map) =>
        map is null ? "null" : "{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}")) + "}";
}
