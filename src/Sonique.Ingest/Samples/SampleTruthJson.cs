using System.Text.Json.Serialization;

namespace Sonique.Ingest.Samples;

/// <summary>Compiled JSON for <see cref="SampleTruth"/>; the line end is fixed so the bytes do not vary by platform.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, NewLine = "\n")]
[JsonSerializable(typeof(SampleTruth))]
internal sealed partial class SampleTruthJson : JsonSerializerContext;
