using System.Globalization;
using Sonique.Gguf;

namespace Sonique.Llm.Lora;

/// <summary>
/// A LoRA adapter as the GGUF that llama.cpp's <c>llama_adapter_lora_init</c> loads: <c>general.type</c> "adapter",
/// <c>adapter.type</c> "lora", <c>adapter.lora.alpha</c>, and for each target W the tensors "W.lora_a" (ggml
/// [in, rank]) and "W.lora_b" (ggml [rank, out]). llama.cpp scales the update by alpha / rank, as peft does.
/// </summary>
public static class LoraAdapterGguf
{
    private static readonly string[] LinearWeights = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];

    public static GgufWriter Build(string architecture, float alpha, IEnumerable<LoraMatrices> updates, string name = "lora")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(architecture);
        ArgumentNullException.ThrowIfNull(updates);
        var writer = new GgufWriter()
            .Add(GgufFile.ArchitectureKey, architecture)
            .Add("general.type", "adapter")
            .Add("general.name", name)
            .Add("adapter.type", "lora")
            .Add("adapter.lora.alpha", alpha);
        var count = 0;
        foreach (var update in updates)
        {
            update.Validate();
            writer.AddTensor(update.Target + ".lora_a", [update.InputSize, update.Rank], update.A);
            writer.AddTensor(update.Target + ".lora_b", [update.Rank, update.OutputSize], update.B);
            count++;
        }

        return count > 0 ? writer : throw new ArgumentException("a LoRA adapter needs at least one updated weight", nameof(updates));
    }

    /// <summary>The GGUF names of the linear weights in block <paramref name="layer"/> of a llama-architecture model
    /// (all linear layers, as SONIQUE's peft config targeted).</summary>
    public static IReadOnlyList<string> LlamaLinearWeights(int layer) =>
        LinearWeights
            .Select(w => string.Create(CultureInfo.InvariantCulture, $"blk.{layer}.{w}.weight"))
            .ToList();
}
