using Sonique.Analysis;
using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests.Tasks;

/// <summary>DescribeVideo and TagAudio through the real host, on a small sample library and the real tools.</summary>
[Trait("Tier", "Tool")] // stages run on clips ffmpeg writes
public sealed class AnalysisStagesTests : IDisposable
{
    private static readonly string[] Samples = ["sample-0001", "sample-0002", "sample-0003"];

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

    private static (long Length, DateTime Written) Stamp(string path) =>
        (new FileInfo(path).Length, File.GetLastWriteTimeUtc(path));
}
