using Sonique.Gguf;

namespace Sonique.Llm.Lora;

/// <summary>
/// A base model with LoRA updates folded into its weights (W + alpha / rank * B A), written as a full GGUF that
/// needs no adapter at inference. Every other tensor and all metadata are copied unchanged; an updated weight
/// keeps its type where it is F32 or F16.
/// </summary>
public static class LoraMerge
{
    public static async Task WriteAsync(string baseModel, float alpha, IReadOnlyList<LoraMatrices> updates, string output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var model = await GgufFile.ReadAsync(baseModel, ct);
        var byTarget = updates.ToDictionary(u => u.Target, StringComparer.Ordinal);
        var unknown = byTarget.Keys.Where(k => model.TryGetTensor(k) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"the LoRA updates {string.Join(", ", unknown.Take(3))} name no tensor of '{baseModel}'", nameof(updates));
        }

        var writer = new GgufWriter { Alignment = model.Alignment };
        foreach (var (key, value) in model.Metadata.Where(m => m.Key != GgufFile.AlignmentKey))
        {
            writer.Add(key, value);
        }

        foreach (var tensor in model.Tensors)
        {
            if (!byTarget.TryGetValue(tensor.Name, out var update))
            {
                writer.AddTensor(tensor.Name, tensor.Dimensions, tensor.Type, await model.ReadTensorBytesAsync(tensor, ct));
                continue;
            }

            update.Validate();
            if (tensor.Dimensions.Count != 2 || tensor.Dimensions[0] != update.InputSize || tensor.Dimensions[1] != update.OutputSize)
            {
                throw new ArgumentException($"the LoRA update of '{tensor.Name}' is for [{update.OutputSize}, {update.InputSize}], the weight is [{string.Join(", ", tensor.Dimensions.Reverse())}]", nameof(updates));
            }

            var weights = await model.ReadTensorAsFloatsAsync(tensor, ct);
            Fold(weights, update, alpha / update.Rank);
            var type = tensor.Type is GgmlType.F16 ? GgmlType.F16 : GgmlType.F32;
            writer.AddTensor(tensor.Name, tensor.Dimensions, weights, type);
        }

        await writer.WriteAsync(output, ct);
    }

    /// <summary>W[o, i] += scale * sum_k B[o, k] A[k, i], all row-major.</summary>
    public static void Fold(Span<float> weights, LoraMatrices update, float scale)
    {
        ArgumentNullException.ThrowIfNull(update);
        var (input, rank) = (update.InputSize, update.Rank);
        for (var o = 0; o < update.OutputSize; o++)
        {
            var row = weights.Slice(o * input, input);
            for (var k = 0; k < rank; k++)
            {
                var b = scale * update.B[(o * rank) + k];
                if (b == 0)
                {
                    continue;
                }

                var a = update.A.AsSpan(k * input, input);
                for (var i = 0; i < input; i++)
                {
                    row[i] += b * a[i];
                }
            }
        }
    }
}
