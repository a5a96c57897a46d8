using Sonique.Files;
using Sonique.Ingest.Catalog;
using Sonique.Ingest.Download;
using Sonique.Ingest.Sources;
using Sonique.Media;
using Sonique.Tests.Shared;

namespace Sonique.Ingest.Tests.Sources;

/// <summary>
/// A folder source full of names a Linux file system allows and a shell or a command line would misread, with
/// links out of the workspace, run through Collect and Download with the real ffmpeg: every valid clip is
/// trimmed, every other file is rejected naming it, and nothing outside the workspace changes.
/// </summary>
[Trait("Tier", "Tool")] // ffmpeg writes the clips
public sealed class HostileFolderTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _workspaceRoot;
    private readonly string _outside;
    private readonly WorkspaceFolder _workspace;

    public HostileFolderTests()
    {
        _workspaceRoot = Directory.CreateDirectory(_temp.PathOf("workspace")).FullName;
        _outside = Directory.CreateDirectory(_temp.PathOf("outside")).FullName;
        _workspace = new WorkspaceFolder(_workspaceRoot);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Every_file_is_a_trimmed_clip_or_rejected_by_name_and_nothing_outside_changes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var snapshot = new OutsideSnapshot(_temp.Root);
        var clip = TestMedia.Write(_temp.PathOf("clip.mp4"), 3);
        TestMedia.Write(Path.Combine(_outside, "outside.mp4"), 3);
        var media = Directory.CreateDirectory(Path.Combine(_workspaceRoot, "media")).FullName;

        string[] valid =
        [
            "it's \"quoted\".mp4",
            $"x.mp4\" -o \"{snapshot.CurrentDirectorySentinelName}\" \"x.mp4",
            "x.mp4\" -o \"README.md\" \"x.mp4",
            "x.mp4\" -o \"..\" \"x.mp4",
            "back\\slash\\\".mp4",
            "new\nline.mp4",
            "tab\tname.mp4",
            "-leading dash.mp4",
            "--version.mp4",
            "$(touch PWNED).mp4",
            "`touch PWNED`; touch PWNED.mp4",
            "file:PWNED.mp4",
            new string('l', 246) + ".mp4",
            "sub/inner 'clip'.mkv",
        ];
        foreach (var name in valid)
        {
            var path = Path.Combine(media, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(clip, path);
        }

        Assert.Equal(250, System.Text.Encoding.UTF8.GetByteCount(valid[12]));

        // Bytes that are not UTF-8 (Latin-1 'é'), written as raw bytes by the shell.
        TestMedia.Run("bash", ["-c", "cp -- \"$1\" \"$2/caf$(printf '\\351').mp4\"", "bash", clip, media]);
        TestMedia.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", Path.Combine(media, "audio only.m4a")]);
        await File.WriteAllTextAsync(Path.Combine(media, "notes.txt"), "not media", ct);
        File.CreateSymbolicLink(Path.Combine(media, "outside file.mp4"), Path.Combine(_outside, "outside.mp4"));
        File.CreateSymbolicLink(Path.Combine(media, "outside folder"), _outside);
        File.CreateSymbolicLink(Path.Combine(media, "loop"), ".");
        File.CreateSymbolicLink(Path.Combine(media, "alias.mp4"), "it's \"quoted\".mp4");
        File.CreateSymbolicLink(Path.Combine(_workspaceRoot, "linked"), _outside);

        var collected = await new CatalogCollector(_workspace, new YtDlp()).CollectAsync([new FolderSource("media"), new FolderSource("linked")], ct);

        var expected = valid.Select(n => "media/" + n).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, collected.Entries.Select(e => e.Id.Value));
        var reasons = collected.Rejected.ToDictionary(r => r.Where, r => r.Reason, StringComparer.Ordinal);
        Assert.Contains("not valid UTF-8", reasons["media/caf\uFFFD.mp4"], StringComparison.Ordinal);
        Assert.Contains("audio file ('.m4a')", reasons["media/audio only.m4a"], StringComparison.Ordinal);
        Assert.Contains("not a video file ('.txt'", reasons["media/notes.txt"], StringComparison.Ordinal);
        Assert.Contains("outside the workspace", reasons["media/outside file.mp4"], StringComparison.Ordinal);
        Assert.Contains("outside the workspace", reasons["media/outside folder"], StringComparison.Ordinal);
        Assert.Contains("already read", reasons["media/loop"], StringComparison.Ordinal);
        Assert.Contains("media/it's \"quoted\".mp4", reasons["media/alias.mp4"], StringComparison.Ordinal);
        Assert.Contains("the folder source is a symbolic link", reasons["linked"], StringComparison.Ordinal);
        Assert.Equal(8, collected.Rejected.Count);
        Assert.DoesNotContain(collected.Entries, e => e.Id.Value.Contains("outside", StringComparison.Ordinal));

        // Through the catalog file, as Download reads it.
        var catalogPath = Path.Combine(_workspaceRoot, "catalog.csv");
        await CatalogFile.WriteAsync(catalogPath, collected.Entries, ct);
        var catalog = await CatalogFile.ReadAsync(catalogPath, ct);
        Assert.Equal(collected.Entries, catalog);

        var downloader = new ClipDownloader(_workspace, new Ffmpeg(), new YtDlp(), new DownloadOptions
        {
            Length = TimeSpan.FromSeconds(2),
            MinimumLength = TimeSpan.FromSeconds(1),
            Retries = 0,
        });
        var clips = Directory.CreateDirectory(Path.Combine(_workspaceRoot, "clips")).FullName;
        foreach (var entry in catalog)
        {
            var mp4 = Path.Combine(clips, entry.Id.FileName + ".mp4");
            var wav = Path.Combine(clips, entry.Id.FileName + ".wav");
            await downloader.DownloadAsync(entry, _workspace.Resolve(entry.Url), mp4, wav, ct);
            Assert.InRange(TestMedia.Duration(mp4), 1.9, 2.1);
            Assert.InRange(TestMedia.Duration(wav), 1.9, 2.1);
        }

        Assert.Equal(catalog.Count * 2, Directory.GetFiles(clips).Length);
        snapshot.AssertUnchanged();
        Assert.Empty(Directory.EnumerateFiles(_temp.Root, "PWNED", new EnumerationOptions { RecurseSubdirectories = true }));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "PWNED")));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "README.md")));
        Assert.Equal(["outside.mp4"], Directory.GetFiles(_outside).Select(Path.GetFileName));
    }
}
