using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Sonique.Gguf;
using Sonique.Llm.Lora;
using Sonique.Llm.Tests;
using Sonique.Tests.Shared;
using Sonique.Training.Lora;

namespace Sonique.Training.Tests.Lora;

[Trait("Tier", "Tool")] // stories15M is fetched from npm
[Collection(Stories15MUsers.Name)]
public sealed class LoraTrainingGraphTests(Stories15MModel stories) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static LoraSettings Everything(int rank = 3, float dropout = 0) => new(rank, 2 * rank, dropout, [.. LoraTarget.All, LoraTarget.Head]);

    [Fact]
    public async Task Gradients_of_every_LoRA_tensor_match_central_finite_differences()
    {
        var model = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"));
        using var graph = await LoraTrainingGraph.LoadAsync(model, Everything(), window: 12, maxTargets: 6, threads: 2, TestContext.Current.CancellationToken);
        var random = new Random(7);
        var weights = Enumerable.Range(0, graph.ParameterCount).Select(_ => ((random.NextSingle() * 2) - 1) * 0.3f).ToArray();
        graph.WriteParameters(weights);
        var example = new TrainingExample("x", [1, 5, 9, 2, 7, 7, 3, 11, 30, 4], 5);
        var gradient = new float[graph.ParameterCount];
        graph.LossAndGradients(example, gradient, 1f);

        // The summed token loss, as the gradient is of it.
        double Loss()
        {
            graph.WriteParameters(weights);
            return graph.Loss(example) * (double)example.Targets;
        }

        var offset = 0;
        var checkedCount = 0;
        foreach (var parameter in graph.Parameters)
        {
            foreach (var length in new[] { parameter.A.Length, parameter.B.Length })
            {
                for (var probe = 0; probe < 2; probe++)
                {
                    var i = offset + random.Next(length);
                    var original = weights[i];
                    const float h = 2e-3f;
                    weights[i] = original + h;
                    var plus = Loss();
                    weights[i] = original - h;
                    var minus = Loss();
                    weights[i] = original;
                    var numeric = (plus - minus) / (2 * h);
                    Assert.True(
                        Math.Abs(gradient[i] - numeric) <= 2e-3 + (0.03 * Math.Abs(numeric)),
                        $"{parameter.Target.WeightName(parameter.Layer)} value {i - offset}: analytic {gradient[i]}, numeric {numeric}");
                    checkedCount++;
                }

                offset += length;
            }
        }

        Assert.Equal(2 * ((2 * 7) + 1) * 2, checkedCount);
        Assert.True(gradient.Any(g => Math.Abs(g) > 1e-3), "the gradient is not all zero");
    }

    [Fact]
    public async Task The_graph_computes_the_loss_that_llama_cpp_computes_with_the_same_adapter()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = Everything(rank: 4);
        var tokens = Tokenize("Once upon a time, there was a little girl named Lily. She loved to play with her red ball in the park.");
        var example = new TrainingExample("story", tokens, 12);
        using var graph = await LoraTrainingGraph.LoadAsync(stories.Path32, settings, window: 64, maxTargets: example.Targets, threads: 2, ct);
        var random = new Random(11);
        graph.WriteParameters(Enumerable.Range(0, graph.ParameterCount).Select(_ => ((random.NextSingle() * 2) - 1) * 0.05f).ToArray());
        var adapter = _folder.PathOf("adapter.gguf");
        await LoraAdapterGguf.Build("llama", settings.Alpha, graph.ToMatrices()).WriteAsync(adapter, ct);

        var ours = graph.Loss(example);
        var theirs = LlamaCppLoss(stories.Path32, adapter, example);
        var baseLoss = LlamaCppLoss(stories.Path32, null, example);

        Assert.Equal(theirs, ours, 0.002 * theirs);
        Assert.True(Math.Abs(baseLoss - theirs) > 0.05, $"the adapter changes llama.cpp's loss ({baseLoss} without, {theirs} with)");
    }

    [Fact]
    public async Task A_model_with_grouped_query_attention_is_refused_by_path()
    {
        var model = await TinyLlama.WriteAsync(_folder.PathOf("gqa.gguf"), kvHeads: 2);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            LoraTrainingGraph.LoadAsync(model, Everything(), 8, 4, 1, TestContext.Current.CancellationToken));

        Assert.Contains(model, error.Message, StringComparison.Ordinal);
        Assert.Contains("grouped-query attention", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_LoRA_of_the_output_projection_is_refused_for_a_model_whose_classifier_is_tied()
    {
        var model = await TinyLlama.WriteAsync(_folder.PathOf("tied.gguf"), tied: true);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            LoraTrainingGraph.LoadAsync(model, Everything(), 8, 4, 1, TestContext.Current.CancellationToken));

        Assert.Contains("drop lm_head from finetune.targets", error.Message, StringComparison.Ordinal);
        using var withoutHead = await LoraTrainingGraph.LoadAsync(model, new LoraSettings(2, 4, 0, LoraTarget.All), 8, 4, 1, TestContext.Current.CancellationToken);
        Assert.True(withoutHead.Shape.TiedOutput);
    }

    [Fact]
    public async Task An_example_longer_than_the_window_is_refused_by_id()
    {
        var model = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"));
        using var graph = await LoraTrainingGraph.LoadAsync(model, Everything(), 8, 4, 1, TestContext.Current.CancellationToken);

        var error = Assert.Throws<ArgumentException>(() => graph.Loss(new TrainingExample("long-one", new int[9], 6)));

        Assert.Contains("long-one", error.Message, StringComparison.Ordinal);
    }

    private int[] Tokenize(string text)
    {
        using var model = LLamaWeights.LoadFromFile(new ModelParams(stories.Path32) { VocabOnly = true });
        return model.NativeHandle.Tokenize(text, true, false, Encoding.UTF8).Select(t => (int)t).ToArray();
    }

    /// <summary>Mean cross-entropy of the answer tokens from llama.cpp's own logits (LLamaSharp decoding).</summary>
    private static double LlamaCppLoss(string model, string? adapter, TrainingExample example)
    {
        Sonique.Llm.Generation.LlamaLog.WarningsOnly();
        var parameters = new ModelParams(model) { ContextSize = 64, BatchSize = 64, UBatchSize = 64, FlashAttention = false, Threads = 2 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        if (adapter is not null)
        {
            context.NativeHandle.SetLoraAdapters([(weights.NativeHandle.LoadLoraFromFile(adapter), 1f)]);
        }

        var batch = new LLamaBatch();
        for (var i = 0; i < example.Tokens.Length; i++)
        {
            batch.Add((LLamaToken)example.Tokens[i], i, LLamaSeqId.Zero, logits: true);
        }

        Assert.Equal(DecodeResult.Ok, context.NativeHandle.Decode(batch));
        double total = 0;
        for (var k = example.AnswerStart; k < example.Tokens.Length; k++)
        {
            var logits = context.NativeHandle.GetLogitsIth(k - 1);
            var max = double.MinValue;
            foreach (var l in logits)
            {
                max = Math.Max(max, l);
            }

            double sum = 0;
            foreach (var l in logits)
            {
                sum += Math.Exp(l - max);
            }

            total -= logits[example.Tokens[k]] - max - Math.Log(sum);
        }

        return total / example.Targets;
    }
}
