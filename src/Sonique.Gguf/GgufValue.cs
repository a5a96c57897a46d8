using System.Globalization;

namespace Sonique.Gguf;

/// <summary>
/// One metadata value: a scalar, a string, or an array of one element type. <see cref="Raw"/> holds the CLR form
/// (uint for UInt32, string[] for an array of strings, and so on), so a value read and written again keeps its type.
/// </summary>
public sealed class GgufValue
{
    private GgufValue(GgufValueType type, object raw, GgufValueType? elementType = null)
    {
        Type = type;
        Raw = raw;
        ElementType = elementType;
    }

    public GgufValueType Type { get; }

    /// <summary>The element type of an array; null for anything else.</summary>
    public GgufValueType? ElementType { get; }

    public object Raw { get; }

    public static GgufValue Of(string value) => new(GgufValueType.String, value ?? throw new ArgumentNullException(nameof(value)));

    public static GgufValue Of(bool value) => new(GgufValueType.Bool, value);

    public static GgufValue Of(byte value) => new(GgufValueType.UInt8, value);

    public static GgufValue Of(sbyte value) => new(GgufValueType.Int8, value);

    public static GgufValue Of(ushort value) => new(GgufValueType.UInt16, value);

    public static GgufValue Of(short value) => new(GgufValueType.Int16, value);

    public static GgufValue Of(uint value) => new(GgufValueType.UInt32, value);

    public static GgufValue Of(int value) => new(GgufValueType.Int32, value);

    public static GgufValue Of(ulong value) => new(GgufValueType.UInt64, value);

    public static GgufValue Of(long value) => new(GgufValueType.Int64, value);

    public static GgufValue Of(float value) => new(GgufValueType.Float32, value);

    public static GgufValue Of(double value) => new(GgufValueType.Float64, value);

    /// <summary>An array; the element type follows from <typeparamref name="T"/> (string, bool or a number type).</summary>
    public static GgufValue Array<T>(T[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new GgufValue(GgufValueType.Array, items, TypeOf(typeof(T)));
    }

    public string AsString() => Raw as string ?? throw Mismatch("a string");

    /// <summary>Any integer type, widened; GGUF writers differ in which integer width they use for a count.</summary>
    public long AsInt64() => Raw switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        long v => v,
        ulong v when v <= long.MaxValue => (long)v,
        _ => throw Mismatch("an integer"),
    };

    /// <summary>Either float type, narrowed to float.</summary>
    public float AsSingle() => Raw switch
    {
        float v => v,
        double v => (float)v,
        _ => throw Mismatch("a float"),
    };

    public bool AsBoolean() => Raw is bool v ? v : throw Mismatch("a bool");

    public T[] AsArray<T>() => Raw as T[] ?? throw Mismatch($"an array of {typeof(T).Name}");

    public override string ToString() => Raw switch
    {
        string s => s,
        System.Array a => $"[{a.Length} x {ElementType}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Raw.ToString() ?? string.Empty,
    };

    internal static GgufValue FromRaw(GgufValueType type, object raw, GgufValueType? elementType) => new(type, raw, elementType);

    internal static GgufValueType TypeOf(Type clr) =>
        clr == typeof(byte) ? GgufValueType.UInt8
        : clr == typeof(sbyte) ? GgufValueType.Int8
        : clr == typeof(ushort) ? GgufValueType.UInt16
        : clr == typeof(short) ? GgufValueType.Int16
        : clr == typeof(uint) ? GgufValueType.UInt32
        : clr == typeof(int) ? GgufValueType.Int32
        : clr == typeof(float) ? GgufValueType.Float32
        : clr == typeof(bool) ? GgufValueType.Bool
        : clr == typeof(string) ? GgufValueType.String
        : clr == typeof(ulong) ? GgufValueType.UInt64
        : clr == typeof(long) ? GgufValueType.Int64
        : clr == typeof(double) ? GgufValueType.Float64
        : throw new NotSupportedException($"GGUF has no value type for {clr.Name}");

    private InvalidCastException Mismatch(string wanted) =>
        new($"the GGUF value is {(Type == GgufValueType.Array ? $"an array of {ElementType}" : Type.ToString())}, not {wanted}");
}
