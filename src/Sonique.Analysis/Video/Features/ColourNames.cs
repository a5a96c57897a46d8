namespace Sonique.Analysis.Video.Features;

/// <summary>
/// Everyday colour names with their CSS/X11 values, and the nearest name to any colour by CIE76 distance in
/// Lab space (which follows how far apart colours look, where RGB distance does not).
/// </summary>
public static class ColourNames
{
    private static readonly (string Name, int Rgb)[] Named =
    [
        ("black", 0x000000), ("charcoal", 0x36454F), ("grey", 0x808080), ("silver", 0xC0C0C0), ("white", 0xFFFFFF),
        ("navy", 0x000080), ("midnight blue", 0x191970), ("dark blue", 0x00008B), ("blue", 0x0000FF), ("royal blue", 0x4169E1),
        ("sky blue", 0x87CEEB), ("cyan", 0x00FFFF), ("teal", 0x008080), ("turquoise", 0x40E0D0), ("slate", 0x708090),
        ("dark green", 0x006400), ("green", 0x008000), ("leaf green", 0x4CAF50), ("lime", 0x32CD32), ("olive", 0x808000),
        ("yellow-green", 0x9ACD32), ("yellow", 0xFFFF00), ("gold", 0xFFD700), ("pale gold", 0xEEE8AA), ("orange", 0xFFA500),
        ("peach", 0xFFDAB9), ("brown", 0x8B4513), ("beige", 0xF5F5DC), ("maroon", 0x800000), ("dark red", 0x8B0000),
        ("red", 0xFF0000), ("crimson", 0xDC143C), ("coral", 0xFF7F50), ("salmon", 0xFA8072), ("pink", 0xFFC0CB),
        ("pale pink", 0xFADADD), ("hot pink", 0xFF69B4), ("magenta", 0xFF00FF), ("purple", 0x800080), ("violet", 0xEE82EE),
        ("indigo", 0x4B0082), ("lavender", 0xE6E6FA),
    ];

    private static readonly (string Name, Lab Lab)[] NamedLab = [.. Named.Select(n => (n.Name, Lab.Of((byte)(n.Rgb >> 16), (byte)(n.Rgb >> 8), (byte)n.Rgb)))];

    public static IReadOnlyList<string> All { get; } = [.. Named.Select(n => n.Name)];

    /// <summary>The index into <see cref="All"/> of the name nearest to a colour.</summary>
    public static int Nearest(byte r, byte g, byte b)
    {
        var lab = Lab.Of(r, g, b);
        var best = 0;
        var bestDistance = double.MaxValue;
        for (var i = 0; i < NamedLab.Length; i++)
        {
            var d = lab.DistanceSquared(NamedLab[i].Lab);
            if (d < bestDistance)
            {
                (best, bestDistance) = (i, d);
            }
        }

        return best;
    }

    public static string NameOf(byte r, byte g, byte b) => All[Nearest(r, g, b)];

    /// <summary>The CSS value of a name in <see cref="All"/>, as "#RRGGBB".</summary>
    public static string HexOf(string name) => $"#{Named.First(n => n.Name == name).Rgb:X6}";

    internal readonly record struct Lab(double L, double A, double B)
    {
        public double DistanceSquared(Lab other) =>
            ((L - other.L) * (L - other.L)) + ((A - other.A) * (A - other.A)) + ((B - other.B) * (B - other.B));

        public static Lab Of(byte r, byte g, byte b)
        {
            var (rl, gl, bl) = (Linear(r), Linear(g), Linear(b));
            var x = ((0.4124 * rl) + (0.3576 * gl) + (0.1805 * bl)) / 0.95047;
            var y = (0.2126 * rl) + (0.7152 * gl) + (0.0722 * bl);
            var z = ((0.0193 * rl) + (0.1192 * gl) + (0.9505 * bl)) / 1.08883;
            var (fx, fy, fz) = (F(x), F(y), F(z));
            return new Lab((116 * fy) - 16, 500 * (fx - fy), 200 * (fy - fz));
        }

        private static double Linear(byte channel)
        {
            var c = channel / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        private static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : (7.787 * t) + (16.0 / 116);
    }
}
