using System.Globalization;
using System.Text;

namespace Sonique.Benchmarks;

internal static class Markdown
{
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        AppendRow(text, header);
        AppendRow(text, header.Select(_ => "---").ToList());
        foreach (var row in rows)
        {
            AppendRow(text, row);
        }

        return text.ToString().TrimEnd('\n');
    }

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture);

    public static string Milliseconds(double milliseconds) => milliseconds.ToString("F0", CultureInfo.InvariantCulture);

    public static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    public static string YesNo(bool met) => met ? "yes" : "**no**";

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells) =>
        text.Append("| ").AppendJoin(" | ", cells).Append(" |\n");
}
