using System.Text;
using Sonique.Engine.Hashing;

namespace Sonique.Engine;

/// <summary>
/// The identity of a piece of work: stage, implementation version, parameters, item and input content.
/// Parts are length-prefixed, so no choice of names or values can make two different works collide by concatenation.
/// </summary>
internal static class Fingerprint
{
    public static string ParametersDigest(IReadOnlyDictionary<string, string> parameters)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Append(text, key);
            Append(text, value);
        }

        return text.ToString();
    }

    public static ContentHash Of(
        StageDefinition stage,
        string parametersDigest,
        string? itemKey,
        IEnumerable<KeyValuePair<string, string>> values,
        IEnumerable<KeyValuePair<string, string>> inputs)
    {
        var text = new StringBuilder("sonique-fingerprint-1\n");
        Append(text, stage.Name);
        Append(text, stage.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        text.Append(parametersDigest).Append('\n');
        Append(text, itemKey ?? "");
        foreach (var (key, value) in values)
        {
            Append(text, key);
            Append(text, value);
        }

        text.Append('\n');
        foreach (var (path, hash) in inputs)
        {
            Append(text, path);
            Append(text, hash);
        }

        return ContentHash.Of(text.ToString());
    }

    private static void Append(StringBuilder text, string part) =>
        text.Append(part.Length).Append(':').Append(part);
}
