using System.Globalization;
using Sonique.Gguf;

namespace Sonique.Training;

/// <summary>
/// The trainer's state after an epoch, as a GGUF: the LoRA weights, AdamW's moments and step, and the metrics so
/// far, under the identity of the run (model, data, settings). A run resumes only from a checkpoint of its own
/// identity; a damaged one is reported and ignored, and training starts over.
/// </summary>
public sealed record TrainingCheckpoint(string Identity, int Epoch, int OptimizerSteps, float[] Weights, float[] FirstMoment, float[] SecondMoment, IReadOnlyList<string> History)
{
    private const string Prefix = "sonique.checkpoint.";

    public static string FileName(int epoch) => string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch:D3}.gguf");

    public async Task WriteAsync(string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var writer = new GgufWriter()
            .Add(GgufFile.ArchitectureKey, "sonique-checkpoint")
            .Add(Prefix + "identity", Identity)
            .Add(Prefix + "epoch", (uint)Epoch)
            .Add(Prefix + "optimizer_steps", (uint)OptimizerSteps)
            .Add(Prefix + "history", GgufValue.Array(History.ToArray()));
        writer.AddTensor("weights", [Weights.Length], Weights);
        writer.AddTensor("adam.m", [FirstMoment.Length], FirstMoment);
        writer.AddTensor("adam.v", [SecondMoment.Length], SecondMoment);
        await writer.WriteAsync(Path.Combine(folder, FileName(Epoch)), ct);
    }

    /// <summary>The latest readable checkpoint in <paramref name="folder"/> for <paramref name="identity"/>.</summary>
    public static async Task<(TrainingCheckpoint? Checkpoint, IReadOnlyList<string> Problems)> LatestAsync(string folder, string identity, int parameters, CancellationToken ct)
    {
        var problems = new List<string>();
        if (!Directory.Exists(folder))
        {
            return (null, problems);
        }

        foreach (var path in Directory.EnumerateFiles(folder, "epoch-*.gguf").OrderDescending(StringComparer.Ordinal))
        {
            try
            {
                var file = await GgufFile.ReadAsync(path, ct);
                if (file.TryGet(Prefix + "identity")?.AsString() != identity)
                {
                    continue;
                }

                var weights = await file.ReadTensorAsFloatsAsync(file.Tensor("weights"), ct);
                var m = await file.ReadTensorAsFloatsAsync(file.Tensor("adam.m"), ct);
                var v = await file.ReadTensorAsFloatsAsync(file.Tensor("adam.v"), ct);
                if (weights.Length != parameters || m.Length != parameters || v.Length != parameters)
                {
                    problems.Add($"checkpoint '{path}' holds {weights.Length} parameters, not {parameters}");
                    continue;
                }

                return (new TrainingCheckpoint(
                    identity,
                    checked((int)file.Get(Prefix + "epoch").AsInt64()),
                    checked((int)file.Get(Prefix + "optimizer_steps").AsInt64()),
                    weights, m, v,
                    file.Get(Prefix + "history").AsArray<string>()), problems);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or KeyNotFoundException or InvalidCastException)
            {
                problems.Add($"checkpoint '{path}' is damaged ({e.Message}); ignored");
            }
        }

        return (null, problems);
    }
}
