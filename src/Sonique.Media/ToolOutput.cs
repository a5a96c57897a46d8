namespace Sonique.Media;

/// <summary>The last lines a tool wrote, for error messages: enough to say why, bounded in size.</summary>
internal static class ToolOutput
{
    public static string Tail(string text, int lines = 6)
    {
        var kept = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .TakeLast(lines);
        return string.Join(" | ", kept);
    }
}
