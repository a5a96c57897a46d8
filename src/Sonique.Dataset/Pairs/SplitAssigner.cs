using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Sonique.Dataset.Pairs;

/// <summary>
/// Puts a clip in a split from its id alone: <c>u</c> = the first 8 bytes of SHA-256(UTF-8 of <c>salt + "\n" + clipId</c>)
/// read as a big-endian integer over 2^64; <c>u &lt; Test</c> is test, <c>u &lt; Test + Validation</c> is validation,
/// the rest training.
/// </summary>
/// <remarks>
/// Because nothing but the id and the salt goes in, adding or removing clips never moves an existing clip (a held-out clip
/// never leaks into training on a later run), the split does not depend on the order or the company a clip comes in, and
/// anyone can recompute it (Python: <c>int.from_bytes(hashlib.sha256((salt + "\n" + id).encode()).digest()[:8], "big") / 2**64</c>).
/// A different salt draws a different, independent split.
/// </remarks>
public sealed class SplitAssigner
{
    private const double TwoTo64 = 18446744073709551616.0;

    private readonly SplitRatios _ratios;
    private readonly string _salt;

    public SplitAssigner(SplitRatios ratios, string salt)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        ArgumentNullException.ThrowIfNull(salt);
        ratios.Validate();
        _ratios = ratios;
        _salt = salt;
    }

    public DatasetSplit Assign(string clipId)
    {
        ArgumentNullException.ThrowIfNull(clipId);
        var u = Draw(clipId);
        return u < _ratios.Test ? DatasetSplit.Test
            : u < _ratios.Test + _ratios.Validation ? DatasetSplit.Validation
            : DatasetSplit.Train;
    }

    /// <summary>The clip's uniform draw in [0, 1).</summary>
    internal double Draw(string clipId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(_salt + "\n" + clipId), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash) / TwoTo64;
    }
}
