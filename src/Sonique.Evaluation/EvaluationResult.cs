using System.Text.Json;
using CsvHelper;
using Sonique.Media.Clips;

namespace Sonique.Evaluation;

/// <summary>What Evaluate found: each model's metrics, and every clip with the models' answers side by side.
/// Written as evaluation.json (for the report) and answers.csv (for a person with a spreadsheet).</summary>
public sealed record EvaluationResult(IReadOnlyList<ModelMetrics> Models, IReadOnlyList<ClipAnswers> Clips, IReadOnlyList<Sonique.Dataset.Pairs.TagCount> ReferenceTags)
{
    public const string JsonFile = "evaluation.json";
    public const string CsvFile = "answers.csv";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>The result of models answering the same clips, side by side by clip id, in the first model's order.
    /// Models that did not answer the same clips are refused, naming the clip.</summary>
    public static EvaluationResult Of(IReadOnlyList<(string Model, IReadOnlyList<EvaluatedAnswer> Answers)> models, IReadOnlySet<string> trainingTags)
    {
        ArgumentNullException.ThrowIfNull(models);
        var metrics = models.Select(m => ModelMetrics.Compute(m.Model, m.Answers, trainingTags)).ToList();
        var byClip = models.Select(m => (m.Model, Answers: m.Answers.ToDictionary(a => a.ClipId))).ToList();
        var clips = models.Count == 0 ? [] : models[0].Answers.Select(first => new ClipAnswers(
            first.ClipId,
            first.Description,
            first.Reference.Tags,
            byClip.Select(m => AnswerOf(m.Model, m.Answers, first.ClipId)).ToList())).ToList();
        if (byClip.FirstOrDefault(m => m.Answers.Count != clips.Count) is { Model: { } extra })
        {
            throw new ArgumentException($"The model '{extra}' answered other clips than '{models[0].Model}'.", nameof(models));
        }

        var reference = models.Count == 0 ? [] : ModelMetrics.Frequencies(models[0].Answers.Select(a => EvaluatedAnswer.ContentTags(a.Reference)));
        return new EvaluationResult(metrics, clips, reference);
    }

    private static ModelAnswer AnswerOf(string model, Dictionary<ClipId, EvaluatedAnswer> answers, ClipId clip) =>
        answers.TryGetValue(clip, out var a)
            ? new ModelAnswer(model, a.Text, a.Answer.Tags, a.Answer.Form.ToString(), a.Problem)
            : throw new ArgumentException($"The model '{model}' has no answer for the clip '{clip}'.", nameof(answers));

    public ModelMetrics Metrics(string model) =>
        Models.FirstOrDefault(m => m.Model == model) ?? throw new KeyNotFoundException($"the evaluation has no model '{model}'");

    public async Task WriteAsync(string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, JsonFile), JsonSerializer.Serialize(this, Json) + "\n", ct);
        await using var stream = new FileStream(Path.Combine(folder, CsvFile), FileMode.Create, FileAccess.Write, FileShare.None, 65536, useAsync: true);
        await using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: false);
        csv.WriteHeader(["clip_id", "model", "form", "tags", "reference", "answer", "problem"]);
        foreach (var clip in Clips)
        {
            foreach (var a in clip.Answers)
            {
                await csv.WriteRecordAsync([clip.ClipId.Value, a.Model, a.Form, string.Join(", ", a.Tags), string.Join(", ", clip.Reference), a.Text, a.Problem ?? string.Empty], ct);
            }
        }

        await csv.FlushAsync(ct);
    }

    /// <summary>Reads evaluation.json (<see cref="JsonFile"/>).</summary>
    public static async Task<EvaluationResult> ReadAsync(string jsonFile, CancellationToken ct) =>
        JsonSerializer.Deserialize<EvaluationResult>(await File.ReadAllTextAsync(jsonFile, ct), Json)
        ?? throw new InvalidDataException($"'{jsonFile}' is empty.");
}

public sealed record ClipAnswers(ClipId ClipId, string Description, IReadOnlyList<string> Reference, IReadOnlyList<ModelAnswer> Answers);

public sealed record ModelAnswer(string Model, string Text, IReadOnlyList<string> Tags, string Form, string? Problem);
