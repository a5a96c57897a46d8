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
    /// <summary>One hasher per thread, reset for each fingerprint: a no-op run fingerprints every item, and a hasher
    /// is a few hundred bytes of state to allocate each time. Nothing it calls fingerprints, so it is never in use twice.</summary>
    [ThreadStatic]
    private static XxHash128? _hasher;

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

    /// <param name="values">The item's values, entered in ordinal order of their keys.</param>
    /// <param name="outputs">The declared outputs, entered by position: moving an output is new work.</param>
    /// <param name="inputPaths">The input files, entered in ordinal order, each once, with its hash at the same position in
    /// <paramref name="inputHashes"/>; one without a hash (missing) is left out.</param>
    public static ContentHash Of(
        StageDefinition stage,
        string parametersDigest,
        string? itemKey,
        IReadOnlyDictionary<string, string> values,
        IReadOnlyList<string> outputs,
        IReadOnlyList<string> inputPaths,
        IReadOnlyList<ContentHash?> inputHashes)
    {
        // The hash of the text "sonique-fingerprint-1\n" + parts, fed to the hasher piece by piece and each input hash as
        // its hex digits written on the stack: a no-op run fingerprints every item, and a stage that reads 300,000 files
        // would otherwise build tens of megabytes of text (or a sorted map of hex strings) to hash once.
        var hasher = _hasher ??= new XxHash128();
        hasher.Reset();
        Write(hasher, "sonique-fingerprint-1\n");
        Append(hasher, stage.Name);
        Append(hasher, stage.Version.ToString(CultureInfo.InvariantCulture));
        Write(hasher, parametersDigest);
        Write(hasher, "\n");
        Append(hasher, itemKey ?? "");
        foreach (var key in values.Count > 1 ? values.Keys.Order(StringComparer.Ordinal) : values.Keys)
        {
            Append(hasher, key);
            Append(hasher, values[key]);
        }

        Span<char> outputKey = stackalloc char[16];
        for (var i = 0; i < outputs.Count; i++)
        {
            "->".CopyTo(outputKey);
            i.TryFormat(outputKey[2..], out var written, provider: CultureInfo.InvariantCulture);
            Append(hasher, outputKey[..(2 + written)]);
            Append(hasher, outputs[i]);
        }

        Write(hasher, "\n");
        var order = OrdinalOrder(inputPaths);
        string? previous = null;
        for (var k = 0; k < inputPaths.Count; k++)
        {
            var i = order is null ? k : order[k];
            if (inputHashes[i] is not { } hash || string.Equals(previous, inputPaths[i], StringComparison.Ordinal))
            {
                continue;
            }

            previous = inputPaths[i];
            Append(hasher, previous);
            Append(hasher, hash);
        }

        return new ContentHash(hasher.GetCurrentHashAsUInt128());
    }

    /// <summary>The positions of <paramref name="paths"/> in ordinal order, or null when they are in it already (a unit
    /// stage's expanded inputs are sorted, a per-item stage's few usually are).</summary>
    private static int[]? OrdinalOrder(IReadOnlyList<string> paths)
    {
        var sorted = true;
        for (var i = 1; i < paths.Count && sorted; i++)
        {
            sorted = string.CompareOrdinal(paths[i - 1], paths[i]) < 0;
        }

        if (sorted)
        {
            return null;
        }

        var order = Enumerable.Range(0, paths.Count).ToArray();
        Array.Sort(order, (a, b) => string.CompareOrdinal(paths[a], paths[b]));
        return order;
    }

    private static void Append(StringBuilder text, string part) =>
        text.Append(part.Length).Append(':').Append(part);

    private static void Append(XxHash128 hasher, ReadOnlySpan<char> part)
    {
        Span<byte> length = stackalloc byte[12];
        part.Length.TryFormat(length, out var written, provider: CultureInfo.InvariantCulture);
        length[written++] = (byte)':';
        hasher.Append(length[..written]);
        Write(hasher, part);
    }

    /// <summary>A hash as the part its text would be: "32:" and its lowercase hex digits.</summary>
    private static void Append(XxHash128 hasher, ContentHash hash)
    {
        Span<byte> part = stackalloc byte[3 + ContentHash.HexLength];
        "32:"u8.CopyTo(part);
        hash.FormatHex(part[3..]);
        hasher.Append(part);
    }

    /// <summary>Every part is a whole string between ASCII separators, so its UTF-8 is the same alone as in the text.</summary>
    private static void Write(XxHash128 hasher, ReadOnlySpan<char> text)
    {
        const int OnStack = 512;
        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (most <= OnStack)
        {
            // As long as the text needs, not the most: the stack space is cleared first.
            Span<byte> bytes = stackalloc byte[most];
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
