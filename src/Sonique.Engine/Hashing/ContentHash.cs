using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Sonique.Engine.Hashing;

/// <summary>
/// A 128-bit XXH3 digest. Content addressing here guards against accidents (edits, truncation,
/// bit rot), not adversaries, so a non-cryptographic hash that runs at memory speed is the right trade.
/// </summary>
public readonly record struct ContentHash(UInt128 Value)
{
    public const int HexLength = 32;

    public static ContentHash Of(ReadOnlySpan<byte> data) => new(XxHash128.HashToUInt128(data));

    public static ContentHash Of(string text) => Of(Encoding.UTF8.GetBytes(text));

    public static ContentHash Parse(string hex)
    {
        if (!TryParse(hex, out var hash))
        {
            throw new FormatException($"'{hex}' is not a {HexLength}-digit content hash.");
        }

        return hash;
    }

    public static bool TryParse(string? hex, out ContentHash hash)
    {
        hash = default;
        if (hex is null || hex.Length != HexLength)
        {
            return false;
        }

        if (!UInt128.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        hash = new ContentHash(value);
        return true;
    }

    /// <summary>32 lowercase hex digits, most significant first (what <c>UInt128.ToString("x32")</c> writes, several
    /// times faster: a no-op run writes a few per item).</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return Convert.ToHexStringLower(bytes);
    }
}
