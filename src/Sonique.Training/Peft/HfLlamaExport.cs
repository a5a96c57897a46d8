using System.Text.Json;
using System.Text.Json.Nodes;
using Sonique.Gguf;
using Sonique.Training.Lora;

namespace Sonique.Training.Peft;

/// <summary>
/// A llama-architecture GGUF (F32 or F16 weights) as a Hugging Face model folder that transformers loads as
/// LlamaForCausalLM: config.json and model.safetensors, module names as transformers has them, Q and K rows put
/// back in Hugging Face's head order. So the peft trainer can train stories15M, the model the CPU trainer uses.
/// An output matrix equal to the embedding is written once, as tied embeddings.
/// </summary>
public static class HfLlamaExport
{
    private static readonly Dictionary<string, string> Modules = new(StringComparer.Ordinal)
    {
        ["attn_q"] = "self_attn.q_proj",
        ["attn_k"] = "self_attn.k_proj",
        ["attn_v"] = "self_attn.v_proj",
        ["attn_output"] = "self_attn.o_proj",
        ["ffn_gate"] = "mlp.gate_proj",
        ["ffn_up"] = "mlp.up_proj",
        ["ffn_down"] = "mlp.down_proj",
        ["attn_norm"] = "input_layernorm",
        ["ffn_norm"] = "post_attention_layernorm",
    };

    public static async Task WriteAsync(string model, string folder, GgmlType type, CancellationToken ct)
    {
        var file = await GgufFile.ReadAsync(model, ct);
        var shape = LlamaShape.Of(file);
        if (shape.HasRopeFactors)
        {
            // transformers derives Llama 3's divisors from four numbers the GGUF no longer holds; a guess would train
            // a slightly different model than llama.cpp runs.
            throw new InvalidDataException($"Model '{model}' carries Llama 3's {LlamaShape.RopeFrequencyFactors}, which a Hugging Face config cannot state exactly: train it with finetune.backend: llama, or give the peft trainer the original Hugging Face checkpoint.");
        }

        var tensors = new List<(string, long[], float[])>();
        async Task<float[]> Read(string name) => await file.ReadTensorAsFloatsAsync(file.Tensor(name), ct);
        var embedding = await Read("token_embd.weight");
        tensors.Add(("model.embed_tokens.weight", [shape.Vocabulary, shape.Embedding], embedding));
        tensors.Add(("model.norm.weight", [shape.Embedding], await Read("output_norm.weight")));
        var tied = shape.TiedOutput;
        if (!tied)
        {
            var output = await Read("output.weight");
            tied = output.AsSpan().SequenceEqual(embedding);
            if (!tied)
            {
                tensors.Add(("lm_head.weight", [shape.Vocabulary, shape.Embedding], output));
            }
        }

        for (var layer = 0; layer < shape.Layers; layer++)
        {
            foreach (var (gguf, hf) in Modules)
            {
                var info = file.Tensor($"blk.{layer}.{gguf}.weight");
                var values = await file.ReadTensorAsFloatsAsync(info, ct);
                long[] dims = info.Dimensions.Count == 1 ? [info.Dimensions[0]] : [info.Dimensions[1], info.Dimensions[0]];
                values = gguf switch
                {
                    "attn_q" => LlamaHeadOrder.GgufToHf(values, (int)dims[0], (int)dims[1], shape.Heads),
                    "attn_k" => LlamaHeadOrder.GgufToHf(values, (int)dims[0], (int)dims[1], shape.KvHeads),
                    _ => values,
                };
                tensors.Add(($"model.layers.{layer}.{hf}.weight", dims, values));
            }
        }

        Directory.CreateDirectory(folder);
        await Safetensors.WriteAsync(Path.Combine(folder, "model.safetensors"), tensors, ct, new Dictionary<string, string> { ["format"] = "pt" }, type);
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["hidden_size"] = shape.Embedding,
            ["intermediate_size"] = shape.FeedForward,
            ["num_hidden_layers"] = shape.Layers,
            ["num_attention_heads"] = shape.Heads,
            ["num_key_value_heads"] = shape.KvHeads,
            ["vocab_size"] = shape.Vocabulary,
            ["max_position_embeddings"] = shape.ContextLength,
            ["rms_norm_eps"] = shape.RmsEpsilon,
            ["rope_theta"] = shape.RopeFrequencyBase,
            ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = tied,
            ["bos_token_id"] = 1,
            ["eos_token_id"] = 2,
            ["torch_dtype"] = type == GgmlType.F16 ? "float16" : "float32",
        };
        if (shape.RopeFrequencyScale != 1f)
        {
            config["rope_scaling"] = new JsonObject { ["rope_type"] = "linear", ["factor"] = 1f / shape.RopeFrequencyScale };
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
    }
}
