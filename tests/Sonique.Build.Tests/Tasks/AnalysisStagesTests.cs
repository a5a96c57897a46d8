using Sonique.Analysis;
using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Onnx;

namespace Sonique.Build.Tests.Tasks;

/// <summary>DescribeVideo and TagAudio through the real host, on a small sample library and the real tools.</summary>
[Trait("Tier", "Tool")] // stages run on clips ffmpeg writes
public sealed class AnalysisStagesTests : IDisposable
{
    private static readonly string[] Samples = ["sample-0001", "sample-0002", "sample-0003"];
    private static readonly string[] ToneLabels = ["low tone", "mid tone", "high tone"];
    private static readonly string[] ToneTags = ["Low Tone", "Mid Tone", "High Tone"];

    private readonly string _dir = TempFolder.Create("analysis-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<int> RunAsync(string target, string profile)
    {
        var path = Path.Combine(_dir, "profile.yaml");
        await File.WriteAllTextAsync(path, profile, TestContext.Current.CancellationToken);
        return await SoniqueHost.RunAsync([$"--workspace={_dir}", $"--target={target}", $"--config={path}", "--jobs=2"]);
    }

    private static string Profile(int maxTags = 20, string extraSources = "") => $"""
        collect:
          sources:
            - samples: true
        {extraSources}
        samples:
          count: 3
          seconds: 12
          seed: 5
        download:
          seconds: 12
          min_seconds: 2
        tag_audio:
          max_tags: {maxTags}
        """;

    private string Output(string path) => Path.Combine(_dir, path);

    [Fact]
    public async Task Changing_a_TagAudio_parameter_reruns_TagAudio_for_every_clip_and_nothing_else()
    {
        Assert.Equal(0, await RunAsync("TagAudio", Profile()));
        Assert.Equal(0, await RunAsync("DescribeVideo", Profile()));
        var kept = Samples.SelectMany(s => new[] { DownloadTask.Video.Of(ClipId.Parse(s)), DownloadTask.Audio.Of(ClipId.Parse(s)), DescribeVideoTask.Description.Of(ClipId.Parse(s)) })
            .ToDictionary(p => p, p => Stamp(Output(p)));
        var tagsBefore = Samples.ToDictionary(s => s, s => File.ReadAllText(Output(TagAudioTask.Tags.Of(ClipId.Parse(s)))));

        Assert.Equal(0, await RunAsync("Pair", Profile(maxTags: 4)));

        foreach (var (path, stamp) in kept)
        {
            Assert.Equal(stamp, Stamp(Output(path)));
        }

        foreach (var sample in Samples)
        {
            var tags = await AnalysisJson.ReadAsync<TagsFile>(Output(TagAudioTask.Tags.Of(ClipId.Parse(sample))), TestContext.Current.CancellationToken);
            Assert.NotEqual(tagsBefore[sample], File.ReadAllText(Output(TagAudioTask.Tags.Of(ClipId.Parse(sample)))));
            Assert.Equal(4, tags.Tags.Split(", ").Length);
            Assert.EndsWith($", {tags.TempoBpm} BPM", tags.Tags, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_onnx_tagger_tags_every_clip_pair_builds_a_rerun_does_nothing_and_a_new_model_reruns_only_tagaudio_and_pair()
    {
        var ct = TestContext.Current.CancellationToken;
        BandGroupModel.Musicnn().WriteTo(_dir, "tagger.onnx");
        EssentiaMetadata.Write(Output("tagger.json"), ToneLabels);
        var profile = Profile() + "\n  backend: onnx\n  onnx: {model: tagger.onnx, labels: tagger.json, top_k: 2}\n";

        Assert.Equal(0, await RunAsync("Pair", profile));

        var tagTexts = new List<string>();
        foreach (var sample in Samples)
        {
            var tags = await AnalysisJson.ReadAsync<TagsFile>(Output(TagAudioTask.Tags.Of(ClipId.Parse(sample))), ct);
            Assert.Equal("onnx", tags.Backend);
            Assert.Equal("tagger.onnx", tags.Details["model"]);
            Assert.Equal(2, tags.TagList.Count);
            Assert.All(tags.TagList, t => Assert.Contains(t, ToneTags));
            Assert.Equal($"{tags.TagList[0]}, {tags.TagList[1]}, {tags.TempoBpm} BPM", tags.Tags);
            tagTexts.Add(tags.Tags);
        }

        var dataset = await File.ReadAllTextAsync(Output(PairTask.Dataset.Path), ct);
        Assert.All(tagTexts, text => Assert.Contains(text, dataset, StringComparison.Ordinal));
        var before = Artifacts();

        Assert.Equal(0, await RunAsync("Pair", profile));

        Assert.Equal(before, Artifacts());
        Assert.All(await RunRecord.ReadStagesAsync(_dir, ct), s => Assert.True(s.Ran == 0 && s.Restored == 0, $"the rerun did {s.Name}'s work again: {s}"));

        // A new model of the same shape: other weights, other activations.
        (BandGroupModel.Musicnn() with { Bias = -2 }).WriteTo(_dir, "tagger.onnx");
        Assert.Equal(0, await RunAsync("Pair", profile));

        var stages = (await RunRecord.ReadStagesAsync(_dir, ct)).ToDictionary(s => s.Name);
        Assert.Equal(3, stages["TagAudio"].Ran);
        Assert.True(stages["Pair"].Ran > 0, $"Pair did not rerun: {stages["Pair"]}");
        Assert.All(stages.Values.Where(s => s.Name is not ("TagAudio" or "Pair")), s => Assert.True(s.Ran == 0 && s.Restored == 0, $"{s.Name} reran: {s}"));
        var after = Artifacts();
        Assert.All(before.Where(f => !f.Key.StartsWith("artifacts/tags/", StringComparison.Ordinal) && !f.Key.StartsWith("artifacts/pairs/", StringComparison.Ordinal)), f => Assert.Equal(f.Value, after[f.Key]));
    }

    [Fact]
    public async Task A_clip_without_usable_media_fails_with_its_reason_and_the_others_are_analysed()
    {
        TestMedia.Write(Path.Combine(_dir, "media", "silent.mp4"), 4, audio: false);

        Assert.Equal(0, await RunAsync("Pair", Profile(extraSources: "    - folder: media")));

        foreach (var sample in Samples)
        {
            var description = await AnalysisJson.ReadAsync<DescriptionFile>(Output(DescribeVideoTask.Description.Of(ClipId.Parse(sample))), TestContext.Current.CancellationToken);
            Assert.Equal("features", description.Backend);
            Assert.Contains("dominated by", description.Description, StringComparison.Ordinal);
            Assert.True(File.Exists(Output(TagAudioTask.Tags.Of(ClipId.Parse(sample)))));
        }

        Assert.Equal(3, Directory.GetFiles(Output(TagAudioTask.Tags.Folder)).Length);
        var lockText = RecordedText.Of(_dir);
        Assert.Contains("no audio stream", lockText, StringComparison.Ordinal);
        Assert.Contains("is missing", lockText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_backend_is_refused_naming_the_key()
    {
        var path = Path.Combine(_dir, "profile.yaml");
        await File.WriteAllTextAsync(path, "tag_audio:\n  backend: magic\ndescribe_video:\n  backend: vlm\n", TestContext.Current.CancellationToken);

        var failure = Assert.Throws<InvalidDataException>(() => SoniqueConfig.Load(path));

        Assert.Contains("tag_audio.backend 'magic' is not one of features, onnx", failure.Message, StringComparison.Ordinal);
        Assert.Contains("describe_video.backend vlm needs describe_video.vlm.model", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_model_that_cannot_load_fails_its_stage_once_with_a_non_zero_exit_and_no_item_failures()
    {
        TestMedia.Write(Path.Combine(_dir, "media", "one.mp4"), 4);
        TestMedia.Write(Path.Combine(_dir, "media", "two.mp4"), 4);
        await File.WriteAllTextAsync(Path.Combine(_dir, "garbage.onnx"), "not a model", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_dir, "labels.txt"), "Rock\nPop\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_dir, "garbage.gguf"), "not a model either", TestContext.Current.CancellationToken);
        var profile = """
            collect:
              sources:
                - folder: media
            download: {seconds: 4, min_seconds: 1}
            tag_audio: {backend: onnx, onnx: {model: garbage.onnx, labels: labels.txt}}
            describe_video: {backend: vlm, vlm: {model: garbage.gguf, projector: garbage.gguf}}
            """;

        Assert.Equal(SoniqueHost.ExitFailed, await RunAsync("TagAudio", profile));
        Assert.Equal(SoniqueHost.ExitFailed, await RunAsync("DescribeVideo", profile));

        // Download ran for both clips; the two stages stopped at their model, recording no clip as failed.
        Assert.Equal(2, Directory.GetFiles(Output(DownloadTask.Video.Folder), "*.wav").Length);
        var lockText = RecordedText.Of(_dir);
        Assert.DoesNotContain("garbage", lockText, StringComparison.Ordinal);
        Assert.DoesNotContain("\"TagAudio\"", lockText, StringComparison.Ordinal);
        Assert.DoesNotContain("\"DescribeVideo\"", lockText, StringComparison.Ordinal);
    }

    private SortedDictionary<string, DateTime> Artifacts() => new(
        Directory.EnumerateFiles(Output("artifacts"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(_dir, f), File.GetLastWriteTimeUtc),
        StringComparer.Ordinal);

    private static (long Length, DateTime Written) Stamp(string path) =>
        (new FileInfo(path).Length, File.GetLastWriteTimeUtc(path));
}
