using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Ingest.Catalog;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests.Tasks;

/// <summary>The ingest stages through the real host, on a small sample library and the real tools.</summary>
[Trait("Tier", "Tool")] // stages run ffmpeg, ffprobe and yt-dlp
public sealed class IngestStagesTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("ingest-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<int> RunAsync(string target, string profile)
    {
        var path = Path.Combine(_dir, "profile.yaml");
        await File.WriteAllTextAsync(path, profile, TestContext.Current.CancellationToken);
        return await SoniqueHost.RunAsync([$"--workspace={_dir}", $"--target={target}", $"--config={path}", "--jobs=2"]);
    }

    private static string Profile(int count, string extraSources = "") => $"""
        collect:
          sources:
            - samples: true
        {extraSources}
        samples:
          count: {count}
          seconds: 4
          seed: 3
        download:
          seconds: 3
          min_seconds: 2
        """;

    private string Clip(string file, string ext) => Path.Combine(_dir, DownloadTask.Video.Folder, $"{file}.{ext}");

    [Fact]
    public async Task Download_trims_every_sample_and_adding_one_clip_runs_that_clip_alone()
    {
        Assert.Equal(0, await RunAsync("Download", Profile(3)));

        var catalog = await CatalogFile.ReadAsync(Path.Combine(_dir, CollectTask.Catalog.Path), TestContext.Current.CancellationToken);
        Assert.Equal(["sample-0001", "sample-0002", "sample-0003"], catalog.Select(e => e.Id.FileName));
        foreach (var entry in catalog)
        {
            Assert.InRange(TestMedia.Duration(Clip(entry.Id.FileName, "mp4")), 2.9, 3.1);
            Assert.InRange(TestMedia.Duration(Clip(entry.Id.FileName, "wav")), 2.9, 3.1);
            Assert.True(File.Exists(Path.Combine(_dir, entry.Truth!)));
        }

        var before = catalog.ToDictionary(e => e.Id.FileName, e => Stamp(Clip(e.Id.FileName, "mp4")));

        Assert.Equal(0, await RunAsync("Download", Profile(4)));

        foreach (var (file, stamp) in before)
        {
            Assert.Equal(stamp, Stamp(Clip(file, "mp4")));
        }

        Assert.InRange(TestMedia.Duration(Clip("sample-0004", "mp4")), 2.9, 3.1);
    }

    [Fact]
    public async Task A_bad_local_clip_fails_with_its_reason_in_Status_and_the_others_complete()
    {
        TestMedia.Write(Path.Combine(_dir, "media", "silent.mp4"), 4, audio: false);
        TestMedia.Write(Path.Combine(_dir, "media", "fine.mp4"), 4);
        var profile = Profile(1, "    - folder: media");

        Assert.Equal(0, await RunAsync("Download", profile));

        Assert.True(File.Exists(Clip("sample-0001", "wav")));
        var catalog = await CatalogFile.ReadAsync(Path.Combine(_dir, CollectTask.Catalog.Path), TestContext.Current.CancellationToken);
        var fine = catalog.Single(e => e.Id.Value == "media/fine.mp4");
        var silent = catalog.Single(e => e.Id.Value == "media/silent.mp4");
        Assert.True(File.Exists(Clip(fine.Id.FileName, "mp4")));
        Assert.False(File.Exists(Clip(silent.Id.FileName, "mp4")));
        var lockText = RecordedText.Of(_dir);
        Assert.Contains("no audio stream", lockText, StringComparison.Ordinal);
    }

    private static (long Length, DateTime Written) Stamp(string path) =>
        (new FileInfo(path).Length, File.GetLastWriteTimeUtc(path));
}
