using System.Text.Json;
using Sonique.Analysis.Audio;
using Sonique.Analysis.Video;

namespace Sonique.Analysis;

/// <summary>One clip's description as DescribeVideo writes it (the original's video_metadata.json entry,
/// with what it was measured from). <see cref="Clip"/> names the media file described ("sample-0001.mp4"); the
/// stages find this file by the clip's id, never by this field.</summary>
public sealed record DescriptionFile(string Clip, string Backend, string Description, IReadOnlyDictionary<string, string> Details)
{
    public static DescriptionFile Of(string clip, string backend, SceneDescription description) =>
        new(clip, backend, description.Text, description.Details);
}

/// <summary>One clip's tags as TagAudio writes them: the original's tag string, and its parts.</summary>
public sealed record TagsFile(string Clip, string Backend, string Tags, IReadOnlyList<string> TagList, int TempoBpm, IReadOnlyDictionary<string, string> Details, IReadOnlyList<IReadOnlyList<string>> Chunks)
{
    public static TagsFile Of(string clip, string backend, AudioTags tags) =>
        new(clip, backend, tags.Text, tags.Tags, tags.TempoBpm, tags.Details, tags.Chunks);
}

/// <summary>Reads and writes the analysis files: indented snake_case JSON with "\n" line ends everywhere.</summary>
public static class AnalysisJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NewLine = "\n",
    };

    public static Task WriteAsync<T>(string path, T value, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(path, JsonSerializer.Serialize(value, Options) + "\n", cancellationToken);

    public static async Task<T> ReadAsync<T>(string path, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(await File.ReadAllTextAsync(path, cancellationToken), Options)
                ?? throw new InvalidDataException($"'{path}' holds null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }
}
