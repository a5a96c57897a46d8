using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sonique.Gguf;
using Sonique.Llm.Lora;
using Sonique.Training.Lora;

namespace Sonique.Training.Peft;

/// <summary>
/// A peft LoRA adapter folder (adapter_config.json, adapter_model.safetensors) of a llama-architecture model as
/// the GGUF LoRA that llama.cpp loads, as llama.cpp's convert_lora_to_gguf.py does: module names mapped to GGUF
/// tensor names, the Q and K updates' rows put in GGUF's head order, the scale kept (rsLoRA's alpha / sqrt(r)
/// becomes an equivalent alpha). And back: an adapter of ours as a peft folder.
/// </summary>
public static partial class PeftAdapterGguf
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    public static async Task ConvertAsync(string folder, string output, string baseModel, CancellationToken ct)
    {
        var model = await GgufFile.ReadAsync(baseModel, ct);
        var shape = LlamaShape.Of(model);
        var (alpha, matrices) = await ReadAsync(folder, shape, ct);
        foreach (var m in matrices)
        {
            // An adapter of another model converts without complaint and fails, or is wrong, in llama.cpp: check here.
            var weight = model.TryGetTensor(m.Target)
                ?? throw new InvalidDataException($"The peft adapter '{folder}' adapts '{m.Target}', which the base model '{baseModel}' does not have.");
            if (weight.Dimensions.Count != 2 || weight.Dimensions[0] != m.InputSize || weight.Dimensions[1] != m.OutputSize)
            {
                throw new InvalidDataException($"The peft adapter '{folder}' adapts '{m.Target}' as [{m.OutputSize}, {m.InputSize}], but in '{baseModel}' it is [{string.Join(", ", weight.Dimensions.Reverse())}]: the adapter is for another model.");
            }
        }

        await LoraAdapterGguf.Build("llama", alpha, matrices, "peft-lora").WriteAsync(output, ct);
    }

    public static async Task<(float Alpha, IReadOnlyList<LoraMatrices> Matrices)> ReadAsync(string folder, LlamaShape shape, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var configPath = Path.Combine(folder, ConfigFile);
        var weightsPath = Path.Combine(folder, WeightsFile);
        if (!File.Exists(configPath) || !File.Exists(weightsPath))
        {
            throw new FileNotFoundException($"'{folder}' is not a peft adapter: it needs {ConfigFile} and {WeightsFile}.");
        }

        int rank;
        float alpha;
        JsonObject config;
        try
        {
            config = JsonNode.Parse(await File.ReadAllTextAsync(configPath, ct))?.AsObject()
                ?? throw new InvalidDataException($"'{configPath}' is empty.");
            rank = config["r"]?.GetValue<int>() ?? throw new InvalidDataException($"'{configPath}' has no r.");
            alpha = config["lora_alpha"]?.GetValue<float>() ?? rank;
            if (config["use_rslora"]?.GetValue<bool>() == true)
            {
                alpha *= MathF.Sqrt(rank);
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{configPath}' is not a readable peft adapter config: {e.Message}", e);
        }

        if (rank < 1)
        {
            throw new InvalidDataException($"'{configPath}' gives r = {rank}.");
        }

        foreach (var pattern in new[] { "rank_pattern", "alpha_pattern" })
        {
            if (config[pattern] is JsonObject { Count: > 0 })
            {
                throw new InvalidDataException($"'{configPath}' sets {pattern}: per-module ranks or alphas cannot be one GGUF LoRA.");
            }
        }

        var weights = await Safetensors.ReadAsync(weightsPath, ct);
        var pairs = new Dictionary<string, (SafetensorsEntry? A, SafetensorsEntry? B, LoraTarget Target, int Layer)>(StringComparer.Ordinal);
        // peft may save whole layers beside the LoRA matrices (an adapted lm_head's base weight, embeddings): skipped.
        foreach (var entry in weights.Tensors.Values.Where(e => e.Name.Contains(".lora_A.", StringComparison.Ordinal) || e.Name.Contains(".lora_B.", StringComparison.Ordinal)))
        {
            var (target, layer, matrix) = Parse(entry.Name)
                ?? throw new InvalidDataException($"'{weightsPath}': tensor '{entry.Name}' is no LoRA of a llama linear layer.");
            var name = target.WeightName(layer);
            var pair = pairs.GetValueOrDefault(name, (null, null, target, layer));
            pairs[name] = matrix == 'A' ? pair with { A = entry } : pair with { B = entry };
        }

        var matrices = new List<LoraMatrices>();
        foreach (var (name, (a, b, target, layer)) in pairs.OrderBy(p => p.Value.Target.IsHead).ThenBy(p => p.Value.Layer).ThenBy(p => LoraTarget.All.Append(LoraTarget.Head).ToList().IndexOf(p.Value.Target)))
        {
            if (a is null || b is null || a.Shape.Count != 2 || b.Shape.Count != 2 || a.Shape[0] != rank || b.Shape[1] != rank)
            {
                throw new InvalidDataException($"'{weightsPath}': the LoRA of '{name}' needs lora_A [{rank}, in] and lora_B [out, {rank}].");
            }

            var (input, output) = (checked((int)a.Shape[1]), checked((int)b.Shape[0]));
            if (layer >= shape.Layers || shape.Dimensions(target) != (input, output))
            {
                var (expectedIn, expectedOut) = shape.Dimensions(target);
                throw new InvalidDataException($"'{weightsPath}': the LoRA of '{name}' is for a [{output}, {input}] weight; the base model's is [{expectedOut}, {expectedIn}]{(layer >= shape.Layers ? $" and it has {shape.Layers} layers" : "")}: the adapter is for another model.");
            }

            var bValues = await weights.ReadFloatsAsync(b, ct);
            bValues = target.Gguf switch
            {
                "attn_q" => LlamaHeadOrder.HfToGguf(bValues, output, rank, shape.Heads),
                "attn_k" => LlamaHeadOrder.HfToGguf(bValues, output, rank, shape.KvHeads),
                _ => bValues,
            };
            matrices.Add(new LoraMatrices(name, input, output, rank, await weights.ReadFloatsAsync(a, ct), bValues));
        }

        return matrices.Count > 0 ? (alpha, matrices) : throw new InvalidDataException($"'{weightsPath}' holds no LoRA tensors.");
    }

    /// <summary>Writes our adapter as a peft folder for a Hugging Face llama model (the inverse of <see cref="ReadAsync"/>).</summary>
    public static async Task WritePeftAsync(string folder, float alpha, IReadOnlyList<LoraMatrices> matrices, LlamaShape shape, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(shape);
        Directory.CreateDirectory(folder);
        var tensors = new List<(string, long[], float[])>();
        var modules = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in matrices)
        {
            var (target, layer) = FromGgufName(m.Target);
            var module = target.IsHead ? "base_model.model.lm_head" : $"base_model.model.model.layers.{layer}.{(target.InAttention ? "self_attn" : "mlp")}.{target.Peft}";
            modules.Add(target.Peft);
            var b = target.Gguf switch
            {
                "attn_q" => LlamaHeadOrder.GgufToHf(m.B, m.OutputSize, m.Rank, shape.Heads),
                "attn_k" => LlamaHeadOrder.GgufToHf(m.B, m.OutputSize, m.Rank, shape.KvHeads),
                _ => m.B,
            };
            tensors.Add((module + ".lora_A.weight", [m.Rank, m.InputSize], m.A));
            tensors.Add((module + ".lora_B.weight", [m.OutputSize, m.Rank], b));
        }

        await Safetensors.WriteAsync(Path.Combine(folder, WeightsFile), tensors, ct, new Dictionary<string, string> { ["format"] = "pt" });
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["r"] = matrices[0].Rank,
            ["lora_alpha"] = alpha,
            ["lora_dropout"] = 0.0,
            ["bias"] = "none",
            ["target_modules"] = new JsonArray(modules.Select(m => (JsonNode?)m).ToArray()),
        };
        await File.WriteAllTextAsync(Path.Combine(folder, ConfigFile), config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), ct);
    }

    private static (LoraTarget Target, int Layer, char Matrix)? Parse(string name)
    {
        var head = HeadName().Match(name);
        if (head.Success)
        {
            return (LoraTarget.Head, LoraTrainingGraph.HeadLayer, head.Groups["m"].Value[0]);
        }

        var match = LayerName().Match(name);
        if (!match.Success)
        {
            return null;
        }

        var target = LoraTarget.All.FirstOrDefault(t => t.Peft == match.Groups["module"].Value);
        return target is null ? null : (target, int.Parse(match.Groups["layer"].Value, CultureInfo.InvariantCulture), match.Groups["m"].Value[0]);
    }

    private static (LoraTarget Target, int Layer) FromGgufName(string name)
    {
        if (name == LoraTarget.Head.WeightName(0))
        {
            return (LoraTarget.Head, LoraTrainingGraph.HeadLayer);
        }

        var match = GgufName().Match(name);
        var target = match.Success ? LoraTarget.All.FirstOrDefault(t => t.Gguf == match.Groups["w"].Value) : null;
        return target is null
            ? throw new ArgumentException($"'{name}' is not a llama linear weight")
            : (target, int.Parse(match.Groups["layer"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^(?:base_model\.model\.)?(?:model\.)?layers\.(?<layer>\d{1,4})\.(?:self_attn|mlp)\.(?<module>[a-z_]+)\.lora_(?<m>[AB])(?:\.default)?\.weight$")]
    private static partial Regex LayerName();

    [GeneratedRegex(@"^(?:base_model\.model\.)?lm_head\.lora_(?<m>[AB])(?:\.default)?\.weight$")]
    private static partial Regex HeadName();

    [GeneratedRegex(@"^blk\.(?<layer>\d{1,4})\.(?<w>[a-z_]+)\.weight$")]
    private static partial Regex GgufName();
}
