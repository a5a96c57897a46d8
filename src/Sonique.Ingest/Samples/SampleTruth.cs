using System.Text.Json;

namespace Sonique.Ingest.Samples;

/// <summary>
/// The ground truth of one sample clip as it is written beside the clip: what the analysers and the trained
/// model are checked against. Stored as indented snake_case JSON with "\n" line ends on every platform.
/// </summary>
public sealed record SampleTruth
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    /// <summary>"night", "dawn", "nature", "city", "party" or "storm".</summary>
    public required string Mood { get; init; }

    public required string Genre { get; init; }

    public required int TempoBpm { get; init; }

    /// <summary>The tonic, spelled with sharps: "A", "F#".</summary>
    public required string Key { get; init; }

    /// <summary>"major" or "minor".</summary>
    public required string Mode { get; init; }

    public required IReadOnlyList<string> Instruments { get; init; }

    /// <summary>Colour names, as a describer would say them.</summary>
    public required IReadOnlyList<string> Colours { get; init; }

    public required string Brightness { get; init; }

    public required string Motion { get; init; }

    public required IReadOnlyList<double> ShotSeconds { get; init; }

    public required IReadOnlyList<double> CutTimes { get; init; }

    public required double DurationSeconds { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    public static SampleTruth Of(SampleClip clip)
    {
        var profile = clip.Profile;
        return new SampleTruth
        {
            Id = clip.Id,
            Title = clip.Title,
            Mood = clip.Mood.ToString().ToLowerInvariant(),
            Genre = profile.Genre,
            TempoBpm = clip.TempoBpm,
            Key = clip.Key.RootName,
            Mode = clip.Key.Mode == Media.Music.Mode.Major ? "major" : "minor",
            Instruments = profile.Instruments,
            Colours = [.. clip.Colours.Select(c => c.Name)],
            Brightness = profile.Brightness,
            Motion = profile.Motion,
            ShotSeconds = [.. clip.Shots.Select(s => s.Seconds)],
            CutTimes = clip.CutTimes,
            DurationSeconds = clip.Seconds,
            Tags = clip.Tags,
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, SampleTruthJson.Default.SampleTruth) + "\n";

    public static SampleTruth FromJson(string json) =>
        JsonSerializer.Deserialize(json, SampleTruthJson.Default.SampleTruth)
        ?? throw new JsonException("A sample truth file holds null.");

    public Task WriteAsync(string path, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(path, ToJson(), cancellationToken);

    public static async Task<SampleTruth> ReadAsync(string path, CancellationToken cancellationToken) =>
        FromJson(await File.ReadAllTextAsync(path, cancellationToken));
}
