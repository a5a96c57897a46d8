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
        var example = new TrainingExample("x", [1, 5, 9, 2, 7, 7, 3, 11, 30, 4], 5);

        var checkedCount = FiniteDifferences.CheckGradients(graph, example, seed: 7);

        Assert.Equal(2 * ((2 * 7) + 1) * 2, checkedCount);
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
        var theirs = LlamaCppReference.Loss(stories.Path32, adapter, example);
        var baseLoss = LlamaCppReference.Loss(stories.Path32, null, example);

        Assert.Equal(theirs, ours, 0.002 * theirs);
        Assert.True(Math.Abs(baseLoss - theirs) > 0.05, $"the adapter changes llama.cpp's loss ({baseLoss} without, {theirs} with)");
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
}
