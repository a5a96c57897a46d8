using Sonique.Gguf;
using Sonique.Llm.Lora;
using Sonique.Tests.Shared;
using Sonique.Training.Lora;

namespace Sonique.Training.Tests.Lora;

/// <summary>
/// The architectures of today's small instruct models, each as a tiny model the test writes: grouped-query and
/// multi-query attention (SmolLM2, Llama 3, Mistral), a tied classifier (SmolLM2, Llama 3.2), F16 and BF16 weights,
/// RoPE with another base, linear scaling and Llama 3's frequency factors. For each: the gradients against finite
/// differences, the loss against llama.cpp's with the same adapter, and the adapter's and the merged model's answers.
/// </summary>
public sealed class LlamaVariantTests : IDisposable
{
    private static readonly TrainingExample Example = new("x", [1, 5, 9, 2, 7, 7, 3, 11, 30, 4, 12, 19], 5);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Variants => ["gqa", "mqa", "tied", "f16", "bf16", "rope-linear", "rope-llama3"];

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Gradients_of_every_LoRA_tensor_match_central_finite_differences(string variant)
    {
        var (model, settings) = await WriteAsync(variant);
        using var graph = await LoraTrainingGraph.LoadAsync(model, settings, window: 16, maxTargets: 8, threads: 2, TestContext.Current.CancellationToken);

        var checkedCount = FiniteDifferences.CheckGradients(graph, Example, seed: 7);

        Assert.Equal(graph.Parameters.Count * 2 * 2, checkedCount);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_graph_computes_the_loss_llama_cpp_computes_with_the_same_adapter(string variant)
    {
        var (model, settings) = await WriteAsync(variant);
        using var graph = await LoraTrainingGraph.LoadAsync(model, settings, window: 16, maxTargets: 8, threads: 2, TestContext.Current.CancellationToken);
        var adapter = await AdapterAsync(graph, settings, seed: 11);

        var ours = graph.Loss(Example);
        var theirs = LlamaCppReference.Loss(model, adapter, Example, contextSize: TinyLlama.Context);
        var withoutAdapter = LlamaCppReference.Loss(model, null, Example, contextSize: TinyLlama.Context);

        // llama.cpp rounds the activations to the weights' type before a product with F16 or BF16 weights.
        var tolerance = variant switch { "f16" => 0.005, "bf16" => 0.02, _ => 0.002 } * theirs;
        Assert.Equal(theirs, ours, tolerance);
        Assert.True(Math.Abs(withoutAdapter - theirs) > 10 * tolerance, $"the adapter changes llama.cpp's loss ({withoutAdapter} without, {theirs} with)");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_adapter_changes_llama_cpp_s_answer_and_the_merged_model_gives_the_same_answer(string variant)
    {
        var ct = TestContext.Current.CancellationToken;
        var (model, settings) = await WriteAsync(variant);
        using var graph = await LoraTrainingGraph.LoadAsync(model, settings, window: 16, maxTargets: 8, threads: 2, ct);
        var adapter = await AdapterAsync(graph, settings, seed: 13);
        var merged = _folder.PathOf($"{variant}-merged.gguf");
        await LoraMerge.WriteAsync(model, settings.Alpha, graph.ToMatrices(), merged, ct);
        int[] prompt = [1, 5, 9, 2, 7];

        var baseAnswer = LlamaCppReference.Greedy(model, null, prompt, 12);
        var adapted = LlamaCppReference.Greedy(model, adapter, prompt, 12);
        var mergedAnswer = LlamaCppReference.Greedy(merged, null, prompt, 12);

        Assert.NotEqual(baseAnswer, adapted);
        Assert.Equal(adapted, mergedAnswer);
    }

    [Fact]
    public async Task A_quantised_base_model_is_refused_before_training_naming_the_model_the_tensor_and_its_type()
    {
        var ct = TestContext.Current.CancellationToken;
        var tiny = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"));
        var quantised = _folder.PathOf("tiny-q8_0.gguf");
        await RewriteAsync(tiny, quantised, (writer, tensor, bytes) =>
        {
            if (tensor.Name == "blk.1.ffn_up.weight")
            {
                // 384 values as twelve Q8_0 blocks of 32 (a scale and 32 bytes each), as a quantised file stores them.
                writer.AddTensor(tensor.Name, [32, 12], GgmlType.Q8_0, new byte[12 * 34]);
                return true;
            }

            return false;
        }, ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LoraTrainingGraph.LoadAsync(quantised, Settings(), 8, 4, 1, ct));

        Assert.Contains(quantised, error.Message, StringComparison.Ordinal);
        Assert.Contains("blk.1.ffn_up.weight as Q8_0", error.Message, StringComparison.Ordinal);
        Assert.Contains("F16 or BF16 GGUF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tensor_whose_size_disagrees_with_the_metadata_is_refused_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var tiny = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"));
        var odd = _folder.PathOf("odd.gguf");
        await RewriteAsync(tiny, odd, (writer, tensor, _) =>
        {
            if (tensor.Name == "blk.0.attn_q.weight")
            {
                writer.AddTensor(tensor.Name, [16, 8], new float[16 * 8]);
                return true;
            }

            return false;
        }, ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LoraTrainingGraph.LoadAsync(odd, Settings(), 8, 4, 1, ct));

        Assert.Contains(odd, error.Message, StringComparison.Ordinal);
        Assert.Contains("blk.0.attn_q.weight of [16, 8], where its metadata implies [16, 16]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("llama.attention.head_count_kv", 3u, "K/V heads to divide the heads")]
    [InlineData("llama.rope.dimension_count", 5u, "RoPE needs an even count up to the head size")]
    [InlineData("llama.attention.key_length", 8u, "the graph takes heads of that size only")]
    public async Task A_shape_the_graph_cannot_follow_is_refused_by_the_model_s_path(string key, uint value, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        var tiny = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"));
        var odd = _folder.PathOf("odd.gguf");
        await RewriteAsync(tiny, odd, (_, _, _) => false, ct, (key, GgufValue.Of(value)));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LoraTrainingGraph.LoadAsync(odd, Settings(), 8, 4, 1, ct));

        Assert.Contains(odd, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GgufFile.ArchitectureKey, "qwen2", "is a 'qwen2' model")]
    [InlineData("llama.rope.scaling.type", "yarn", "uses 'yarn' RoPE scaling")]
    public async Task An_architecture_or_RoPE_scaling_the_graph_does_not_have_is_refused_by_name(string key, string value, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        var tiny = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"));
        var other = _folder.PathOf("other.gguf");
        await RewriteAsync(tiny, other, (_, _, _) => false, ct, (key, GgufValue.Of(value)));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LoraTrainingGraph.LoadAsync(other, Settings(), 8, 4, 1, ct));

        Assert.Contains(other, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static LoraSettings Settings(bool head = false) => new(3, 6, 0, head ? [.. LoraTarget.All, LoraTarget.Head] : LoraTarget.All);

    private async Task<(string Model, LoraSettings Settings)> WriteAsync(string variant)
    {
        var path = _folder.PathOf(variant + ".gguf");
        var model = variant switch
        {
            "gqa" => await TinyLlama.WriteAsync(path, kvHeads: 2),
            "mqa" => await TinyLlama.WriteAsync(path, kvHeads: 1),
            "tied" => await TinyLlama.WriteAsync(path, kvHeads: 2, tied: true),
            "f16" => await TinyLlama.WriteAsync(path, kvHeads: 2, type: GgmlType.F16),
            "bf16" => await TinyLlama.WriteAsync(path, kvHeads: 2, type: GgmlType.BF16),
            "rope-linear" => await TinyLlama.WriteAsync(path, rope: new TinyLlamaRope(500000f, LinearFactor: 4f)),
            "rope-llama3" => await TinyLlama.WriteAsync(path, kvHeads: 2, rope: new TinyLlamaRope(500000f, FrequencyFactors: [1f, 8f])),
            _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
        };
        return (model, Settings(head: variant != "tied"));
    }

    /// <summary>Random LoRA weights in the graph, written as the adapter GGUF llama.cpp loads.</summary>
    private async Task<string> AdapterAsync(LoraTrainingGraph graph, LoraSettings settings, int seed)
    {
        var random = new Random(seed);
        graph.WriteParameters(Enumerable.Range(0, graph.ParameterCount).Select(_ => ((random.NextSingle() * 2) - 1) * 0.8f).ToArray());
        var adapter = _folder.PathOf($"adapter-{seed}.gguf");
        await LoraAdapterGguf.Build("llama", settings.Alpha, graph.ToMatrices()).WriteAsync(adapter, TestContext.Current.CancellationToken);
        return adapter;
    }

    /// <summary>Copies a GGUF with some metadata set and some tensors replaced (<paramref name="replace"/> adds its
    /// own and returns true).</summary>
    private static async Task RewriteAsync(
        string from, string to, Func<GgufWriter, GgufTensorInfo, byte[], bool> replace, CancellationToken ct, params (string Key, GgufValue Value)[] set)
    {
        var model = await GgufFile.ReadAsync(from, ct);
        var writer = new GgufWriter();
        foreach (var (key, value) in model.Metadata.Where(m => m.Key != GgufFile.AlignmentKey && set.All(s => s.Key != m.Key)))
        {
            writer.Add(key, value);
        }

        foreach (var (key, value) in set)
        {
            writer.Add(key, value);
        }

        foreach (var tensor in model.Tensors)
        {
            var bytes = await model.ReadTensorBytesAsync(tensor, ct);
            if (!replace(writer, tensor, bytes))
            {
                writer.AddTensor(tensor.Name, tensor.Dimensions, tensor.Type, bytes);
            }
        }

        await writer.WriteAsync(to, ct);
    }
}
