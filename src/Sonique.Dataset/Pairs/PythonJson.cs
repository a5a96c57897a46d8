using System.Text;

namespace Sonique.Dataset.Pairs;

/// <summary>
/// Writes JSON strings exactly as Python's <c>json.dumps</c> does by default (<c>ensure_ascii=True</c>), so the dataset is
/// byte for byte the one the original script would have written from the same text.
/// </summary>
/// <remarks>
/// Python escapes every character outside the printable ASCII range <c>' '</c>..<c>'~'</c>: <c>\"</c> and <c>\\</c>,
/// the short forms <c>\n \r \t \b \f</c>, and everything else (other control characters, DEL, all non-ASCII) as
/// <c>\uXXXX</c> with lowercase hex. Characters beyond the BMP become their surrogate pair, and a lone surrogate is
/// written as its own <c>\uXXXX</c>. A .NET string is already UTF-16, so escaping each code unit on its own gives exactly
/// those results, lone surrogates included, without ever throwing. <c>/</c> is not escaped.
/// </remarks>
internal static class PythonJson
{
    public static void AppendString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case >= ' ' and <= '~':
                    builder.Append(c);
                    break;
                default:
                    builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        builder.Append('"');
    }
}
