using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sonique.Build.Host;

/// <summary>
/// The record of the latest run, cache/run.json: when it started, on which host, the target, and what each stage
/// did (items fresh, ran, restored, failed, seconds). What varies from run to run lives here, never in an
/// artifact, so the artifacts and the lock of two runs on the same inputs are the same bytes. Rewritten after
/// every stage, so a killed run leaves the stages it finished.
/// </summary>
public static class RunRecord
{
    public const string Location = "cache/run.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteAsync(SoniqueContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var record = new Run(
            context.Started,
            Environment.MachineName,
            context.Options.Target,
            context.Reports.Select(r => new Stage(r.Stage, r.Items, r.Fresh, r.Ran, r.Restored, r.Failed, Math.Round(r.Duration.TotalSeconds, 3))).ToList());
        var path = context.Workspace.Resolve(Location);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(record, Json), ct);
    }

    public static async Task<IReadOnlyList<Stage>> ReadStagesAsync(string workspace, CancellationToken ct) =>
        JsonSerializer.Deserialize<Run>(await File.ReadAllTextAsync(Path.Combine(workspace, Location), ct), Json)?.Stages ?? [];

    public sealed record Run(DateTimeOffset Started, string Host, string Target, IReadOnlyList<Stage> Stages);

    public sealed record Stage(string Name, int Items, int Fresh, int Ran, int Restored, int Failed, double Seconds);
}
