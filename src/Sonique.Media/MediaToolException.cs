namespace Sonique.Media;

/// <summary>An external media tool failed; the message names the tool and carries the end of what it said.</summary>
public class MediaToolException(string tool, string message, Exception? inner = null)
    : Exception($"{tool}: {message}", inner)
{
    public string Tool { get; } = tool;
}
