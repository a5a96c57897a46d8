namespace Sonique.Ingest.Samples;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood): a tiny seeded generator whose every output is fixed by integer
/// arithmetic alone. The sample library uses it instead of <see cref="Random"/>, whose sequence for a given
/// seed is not promised to stay the same across .NET versions, and the library's bytes must.
/// </summary>
public struct SplitMix64(ulong state)
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;

    private ulong _state = state;

    /// <summary>The generator's finaliser on its own: a well-mixed 64-bit hash of one value.</summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EB;
        return value ^ (value >> 31);
    }

    public ulong NextUInt64()
    {
        _state += Gamma;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1), from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [-1, 1): white noise for the drums and the plucked strings.</summary>
    public double NextSigned() => NextDouble() * 2.0 - 1.0;

    /// <summary>Uniform in [minInclusive, maxExclusive), by multiply-high so no value is favoured by a modulo.</summary>
    public int Next(int minInclusive, int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(minInclusive, maxExclusive);
        var span = (ulong)((long)maxExclusive - minInclusive);
        return (int)(minInclusive + (long)(ulong)(((UInt128)NextUInt64() * span) >> 64));
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(0, items.Count)];
}
