using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Ingest.Catalog;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests.Tasks;

/// <summary>A folder source with hostile names and links out, through the real host's Collect and Download.</summary>
[Trait("Tier", "Tool")] // stages run on clips ffmpeg writes
public sealed class HostileFolderStageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Collect_and_Download_take_every_valid_name_and_reject_the_rest_without_failing_the_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var workspace = Directory.CreateDirectory(_temp.PathOf("workspace")).FullName;
        var outside = Directory.CreateDirectory(_temp.PathOf("outside")).FullName;
        using var snapshot = new OutsideSnapshot(_temp.Root);
        var media = Path.Combine(workspace, "media");
        var clip = TestMedia.Write(Path.Combine(media, "it's \"quoted\".mp4"), 4);
        File.Copy(clip, Path.Combine(media, "new\nline $(touch PWNED).mp4"));
        File.Copy(clip, Path.Combine(outside, "outside.mp4"));
        TestMedia.Run("bash", ["-c", "cp -- \"$1\" \"$2/caf$(printf '\\351').mp4\"", "bash", clip, media]);
        File.CreateSymbolicLink(Path.Combine(media, "outside.mp4"), Path.Combine(outside, "outside.mp4"));
        File.CreateSymbolicLink(Path.Combine(media, "outside folder"), outside);
        File.CreateSymbolicLink(Path.Combine(media, "loop"), ".");
        var profile = Path.Combine(workspace, "profile.yaml");
        await File.WriteAllTextAsync(profile, """
            collect:
              sources:
                - folder: media
            download:
              seconds: 3
              min_seconds: 2
            """, ct);

        Assert.Equal(0, await SoniqueHost.RunAsync([$"--workspace={workspace}", "--target=Download", $"--config={profile}", "--jobs=2"]));

        var catalog = await CatalogFile.ReadAsync(Path.Combine(workspace, CollectTask.Catalog.Path), ct);
        Assert.Equal(["media/it's \"quoted\".mp4", "media/new\nline $(touch PWNED).mp4"], catalog.Select(e => e.Id.Value));
        foreach (var entry in catalog)
        {
            Assert.InRange(TestMedia.Duration(Path.Combine(workspace, DownloadTask.Video.Of(entry.Id))), 2.9, 3.1);
            Assert.InRange(TestMedia.Duration(Path.Combine(workspace, DownloadTask.Audio.Of(entry.Id))), 2.9, 3.1);
        }

        var rejected = await File.ReadAllTextAsync(Path.Combine(workspace, CollectTask.Rejected.Path), ct);
        Assert.Contains("media/caf\uFFFD.mp4", rejected, StringComparison.Ordinal);
        Assert.Contains("media/outside.mp4", rejected, StringComparison.Ordinal);
        Assert.Contains("media/outside folder", rejected, StringComparison.Ordinal);
        Assert.Contains("media/loop", rejected, StringComparison.Ordinal);
        var lockText = RecordedText.Of(workspace);
        Assert.DoesNotContain(outside, lockText, StringComparison.Ordinal);
        Assert.DoesNotContain("outside.mp4", lockText, StringComparison.Ordinal);
        snapshot.AssertUnchanged();
        Assert.Empty(Directory.EnumerateFiles(_temp.Root, "PWNED", new EnumerationOptions { RecurseSubdirectories = true }));
    }
}
