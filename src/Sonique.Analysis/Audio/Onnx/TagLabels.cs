using System.Text;
using System.Text.Json;

namespace Sonique.Analysis.Audio.Onnx;

/// <summary>
/// A tagging model's class names, in the order of its output. Read from Essentia's model metadata (a JSON
/// object whose "classes" array names them), from a JSON array of names, or from text with one name a line.
/// </summary>
public sealed class TagLabels
{
    private static readonly char[] WordBreaks = [' ', '-', '/', '(', '&'];

    private TagLabels(IReadOnlyList<string> names, string source)
    {
        Names = names;
        Source = source;
    }

    /// <summary>The names as the file spells them, one per model output.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Where the names came from, for messages.</summary>
    public string Source { get; }

    public int Count => Names.Count;

    public static async Task<TagLabels> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new OnnxTaggerLoadException($"The labels file '{path}' does not exist.");
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxTaggerLoadException($"The labels file '{path}' cannot be read: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>The names in <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    public static TagLabels Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.AsSpan().TrimStart();
        var names = trimmed.StartsWith("{") || trimmed.StartsWith("[") ? FromJson(text, source) : FromLines(text);
        if (names.Count == 0)
        {
            throw new OnnxTaggerLoadException($"The labels file '{source}' holds no labels.");
        }

        return new TagLabels(names, source);
    }

    /// <summary>Label <paramref name="index"/> as a tag: underscores read as spaces, each word capitalised
    /// ("female vocals" is "Female Vocals", "hip-hop" is "Hip-Hop"), and the rest left as written, so
    /// "EDM" and "80s" stay as they are.</summary>
    public string Tag(int index)
    {
        var chars = Names[index].Replace('_', ' ').Trim().ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 0 || Array.IndexOf(WordBreaks, chars[i - 1]) >= 0)
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }
        }

        return new string(chars);
    }

    private static List<string> FromLines(string text) =>
        [.. text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)];

    private static List<string> FromJson(string text, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new OnnxTaggerLoadException($"The labels file '{source}' is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (!root.TryGetProperty("classes", out var classes) || classes.ValueKind != JsonValueKind.Array)
                {
                    throw new OnnxTaggerLoadException(
                        $"The labels file '{source}' is a JSON object without a \"classes\" array (Essentia's model metadata names the labels there).");
                }

                root = classes;
            }

            var names = new List<string>();
            foreach (var entry in root.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(entry.GetString()))
                {
                    throw new OnnxTaggerLoadException(
                        $"The labels file '{source}' has {entry.GetRawText()} as label {names.Count + 1}; every label must be a non-empty string.");
                }

                names.Add(entry.GetString()!.Trim());
            }

            return names;
        }
    }
}
