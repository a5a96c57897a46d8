using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sonique.Tests.Shared.Onnx;

/// <summary>
/// The metadata JSON Essentia publishes beside each model (msd-musicnn-1.json and its kin): what the model is,
/// its classes in output order, its input and output schema and how Essentia runs it.
/// </summary>
internal static class EssentiaMetadata
{
    public static string Write(string path, IReadOnlyList<string> classes, int patchFrames = 187, int melBands = 96)
    {
        var metadata = new JsonObject
        {
            ["name"] = "Sonique test tagger",
            ["type"] = "auto-tagging",
            ["version"] = "1",
            ["description"] = $"prediction of {classes.Count} tags from mel patches",
            ["framework"] = "onnx",
            ["classes"] = new JsonArray([.. classes.Select(c => JsonValue.Create(c))]),
            ["model_types"] = new JsonArray("onnx"),
            ["schema"] = new JsonObject
            {
                ["inputs"] = new JsonArray(new JsonObject
                {
                    ["name"] = "mel",
                    ["type"] = "float",
                    ["shape"] = new JsonArray(patchFrames, melBands),
                }),
                ["outputs"] = new JsonArray(new JsonObject
                {
                    ["name"] = "activations",
                    ["type"] = "float",
                    ["shape"] = new JsonArray(1, classes.Count),
                    ["op"] = "Sigmoid",
                    ["output_purpose"] = "predictions",
                }),
            },
            ["inference"] = new JsonObject
            {
                ["sample_rate"] = 16000,
                ["algorithm"] = "TensorflowPredictMusiCNN",
            },
        };
        File.WriteAllText(path, metadata.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
