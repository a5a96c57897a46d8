using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
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
        // The hash of the text "sonique-fingerprint-1\n" + parts, fed to the hasher piece by piece: a stage that reads
        // 300,000 files would otherwise build tens of megabytes of text to hash once.
        var hasher = new XxHash128();
        Write(hasher, "sonique-fingerprint-1\n");
        Append(hasher, stage.Name);
        Append(hasher, stage.Version.ToString(CultureInfo.InvariantCulture));
        Write(hasher, parametersDigest);
        Write(hasher, "\n");
        Append(hasher, itemKey ?? "");
        foreach (var (key, value) in values)
        {
            Append(hasher, key);
            Append(hasher, value);
        }

        Write(hasher, "\n");
        foreach (var (path, hash) in inputs)
        {
            Append(hasher, path);
            Append(hasher, hash);
        }

        return new ContentHash(hasher.GetCurrentHashAsUInt128());
    }

    private static void Append(StringBuilder text, string part) =>
        text.Append(part.Length).Append(':').Append(part);

    private static void Append(XxHash128 hasher, string part)
    {
        Span<byte> length = stackalloc byte[12];
        part.Length.TryFormat(length, out var written, provider: CultureInfo.InvariantCulture);
        length[written++] = (byte)':';
        hasher.Append(length[..written]);
        Write(hasher, part);
    }

    /// <summary>Every part is a whole string between ASCII separators, so its UTF-8 is the same alone as in the text.</summary>
    private static void Write(XxHash128 hasher, string text)
    {
        const int OnStack = 512;
        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (most <= OnStack)
        {
            Span<byte> bytes = stackalloc byte[OnStack];
            hasher.Append(bytes[..Encoding.UTF8.GetBytes(text, bytes)]);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(most);
        try
        {
            hasher.Append(rented.AsSpan(0, Encoding.UTF8.GetBytes(text, rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
