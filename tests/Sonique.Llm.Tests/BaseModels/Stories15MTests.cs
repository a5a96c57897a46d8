using Sonique.Gguf;
using Sonique.Llm.Generation;

namespace Sonique.Llm.Tests.BaseModels;

[Trait("Tier", "Tool")] // stories15M is fetched from npm
[Collection(Stories15MUsers.Name)]
public sealed class Stories15MTests(Stories15MModel stories)
{
    /// <summary>The golden test: llama2.c's stories15M continues this prompt with exactly this text (greedy).</summary>
    [Fact]
    public async Task Converted_model_continues_once_upon_a_time_with_the_known_story()
    {
        using var generator = await ChatGenerator.LoadAsync(new ChatGeneratorOptions { ModelPath = stories.Path32, MaxTokens = 24 }, TestContext.Current.CancellationToken);

        var answer = await generator.ContinueAsync("Once upon a time", TestContext.Current.CancellationToken);

        Assert.Equal(", there was a little girl named Lily. She loved to play outside in the sunshine. One day,", answer.Text);
        Assert.Equal(AnswerEnd.TokenLimit, answer.End);
    }

    [Fact]
    public async Task Converted_file_has_llama_metadata_and_every_weight_with_its_own_output_projection()
    {
        var file = await GgufFile.ReadAsync(stories.Path32, TestContext.Current.CancellationToken);

        Assert.Equal("llama", file.Architecture);
        Assert.Equal(288, file.Get("llama.embedding_length").AsInt64());
        Assert.Equal(6, file.Get("llama.block_count").AsInt64());
        Assert.Equal(256, file.Get("llama.context_length").AsInt64());
        Assert.Equal(32000, file.Get("tokenizer.ggml.tokens").AsArray<string>().Length);
        Assert.Equal("\u2581the", file.Get("tokenizer.ggml.tokens").AsArray<string>()[278]);
        Assert.Equal(3 + 9 * 6, file.Tensors.Count);
        Assert.Equal(15_191_712 + 288 * 32000, file.Tensors.Sum(t => t.ElementCount));
        Assert.Equal([288L, 32000L], file.Tensor("token_embd.weight").Dimensions);

        // The tied classifier is written out as its own tensor, so that a LoRA adapter can name it.
        var embedding = await file.ReadTensorBytesAsync(file.Tensor("token_embd.weight"), TestContext.Current.CancellationToken);
        Assert.Equal(embedding, await file.ReadTensorBytesAsync(file.Tensor("output.weight"), TestContext.Current.CancellationToken));
    }
}
