using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sonique.Training;

/// <summary>
/// One line of a trainer's metrics stream (JSON lines on its standard output), the same from the in-process
/// ggml trainer and from the Python peft trainer: <c>prepared</c>, <c>skipped</c> (an example left out),
/// <c>note</c> (something the user should know), <c>resumed</c>, <c>step</c>, <c>epoch</c>, <c>checkpoint</c>, <c>done</c>. Fields a kind does not use are left out.
/// </summary>
public sealed record TrainingEvent(string Event)
{
    public const string Prepared = "prepared";
    public const string Skipped = "skipped";
    public const string Note = "note";
    public const string Resumed = "resumed";
    public const string StepDone = "step";
    public const string EpochDone = "epoch";
    public const string CheckpointWritten = "checkpoint";
    public const string Done = "done";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public int? Epoch { get; init; }

    public int? Epochs { get; init; }

    public int? Step { get; init; }

    public int? Steps { get; init; }

    public double? Loss { get; init; }

    public double? TrainLoss { get; init; }

    public double? ValidationLoss { get; init; }

    public double? LearningRate { get; init; }

    public double? GradNorm { get; init; }

    /// <summary>Tokens trained on so far (prompt and answer, without padding).</summary>
    public long? Tokens { get; init; }

    public double? TokensPerSecond { get; init; }

    public double? Seconds { get; init; }

    public int? Examples { get; init; }

    public int? ValidationExamples { get; init; }

    public long? Parameters { get; init; }

    public int? Window { get; init; }

    public string? Id { get; init; }

    public string? Reason { get; init; }

    public string? Path { get; init; }

    public string? Backend { get; init; }

    public string? Device { get; init; }

    /// <summary>Free-form numbers a backend adds (peak memory, FLOPs utilisation).</summary>
    public IReadOnlyDictionary<string, double>? Extra { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// The event as metrics.jsonl keeps it: what the training computed, which the same job and seed repeat
    /// exactly, without what differs from run to run (wall-clock times, rates, the device, paths, a backend's
    /// free-form numbers) and without the events that tell how this run went (resumed, checkpoint, note), so a
    /// resumed run's metrics equal an uninterrupted one's. Null for those events; the run record keeps them whole.
    /// </summary>
    public TrainingEvent? AsMetric() => Event is Resumed or CheckpointWritten or Note
        ? null
        : this with { TokensPerSecond = null, Seconds = null, Device = null, Path = null, Extra = null };

    /// <summary>The event on <paramref name="line"/>, or null when the line is not one (a trainer's own log output).</summary>
    public static TrainingEvent? TryParse(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || line.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize<TrainingEvent>(line, Json);
            return parsed is { Event.Length: > 0 } ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
