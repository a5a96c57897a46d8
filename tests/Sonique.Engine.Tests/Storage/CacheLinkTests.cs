using System.Runtime.Versioning;
using Sonique.Engine.Hashing;
using Sonique.Engine.SyntheticPipeline;
using Sonique.Tests.Shared;

namespace Sonique.Engine.Tests.Storage;

/// <summary>
/// Outputs linked from the content store: one copy on disk with a hard link (what this ext4 allows; a reflink where
/// btrfs or XFS allow it), two with a copy, and every guarantee of the copy kept: edits detected and put back, a
/// corrupt stored copy caught, read-only outputs replaced and removed as any others.
/// Linux's: the inodes that show a link come from statx.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CacheLinkTests : IDisposable
{
    private const UnixFileMode Writable = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private readonly TempWorkspace _ws = new(items: 6);

    public void Dispose() => _ws.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ContentStore Store => new(_ws.Workspace.StoreDirectory);

    private static PipelineOptions Using(CacheLinkType type, IPipelineObserver? observer = null, bool force = false) =>
        new() { CacheType = type, Observer = observer, ForceAll = force };

    private async Task<(StageReport Transform, SyntheticStages Stages, long FilesHashed)> RunAsync(PipelineOptions options, string salt = "")
    {
        var stages = new SyntheticStages(_ws.Workspace, salt);
        using var pipeline = Pipeline.Open(_ws.Workspace, options);
        var transform = await pipeline.RunAsync(stages.Transform, Ct);
        await pipeline.RunAsync(stages.Summarize, Ct);
        return (transform, stages, pipeline.FilesHashed);
    }

    private static ulong InodeOf(string path) => FileStamp.Read(path)?.Inode ?? throw new FileNotFoundException(path);

    private string StoredCopyOf(string relative) => Store.PathOf(FileHasher.Hash(_ws.PathOf(relative), Ct));

    private bool SharesTheStoredCopy(string relative) => InodeOf(_ws.PathOf(relative)) == InodeOf(StoredCopyOf(relative));

    private static bool IsWritable(string path) => (File.GetUnixFileMode(path) & Writable) != 0;

    private static string[] Outputs => [.. Enumerable.Range(0, 6).Select(i => $"out/item{i:D5}.txt"), "summary.txt"];

    /// <summary>Status names the output as modified: the hash cache's stamp saw the edit.</summary>
    private async Task AssertSeenAsModifiedAsync(string output)
    {
        using var pipeline = Pipeline.Open(_ws.Workspace, Using(CacheLinkType.Hardlink));
        var status = await pipeline.GetStatusAsync(new SyntheticStages(_ws.Workspace).Transform, Ct);
        Assert.Contains($"output '{output}' was modified", Assert.Single(status.FirstStale).Reasons);
    }

    [Theory]
    [InlineData(CacheLinkType.Hardlink)]
    [InlineData(CacheLinkType.Copy)]
    public async Task A_hard_linked_output_is_the_stored_copy_and_read_only_and_a_copy_is_a_writable_second_file(CacheLinkType type)
    {
        await RunAsync(Using(type));

        foreach (var output in Outputs)
        {
            Assert.Equal(type == CacheLinkType.Hardlink, SharesTheStoredCopy(output));
            Assert.Equal(type == CacheLinkType.Copy, IsWritable(_ws.PathOf(output)));
            Assert.Equal(FileHasher.Hash(_ws.PathOf(output), Ct), FileHasher.Hash(StoredCopyOf(output), Ct));
        }
    }

    [Fact]
    public async Task A_no_op_rerun_keeps_the_links_and_reads_no_file()
    {
        await RunAsync(Using(CacheLinkType.Hardlink));
        var inodes = Outputs.ToDictionary(o => o, o => InodeOf(_ws.PathOf(o)));

        var rerun = await RunAsync(Using(CacheLinkType.Hardlink));

        Assert.True(rerun.Transform.DidNothing);
        Assert.Equal(0, rerun.FilesHashed);
        Assert.All(Outputs, o => Assert.Equal(inodes[o], InodeOf(_ws.PathOf(o))));
        Assert.All(Outputs, o => Assert.True(SharesTheStoredCopy(o)));
    }

    [Fact]
    public async Task A_deleted_output_is_restored_as_a_link_of_the_stored_copy()
    {
        await RunAsync(Using(CacheLinkType.Hardlink));
        var expected = _ws.Read("out/item00003.txt");
        File.Delete(_ws.PathOf("out/item00003.txt"));

        var rerun = await RunAsync(Using(CacheLinkType.Hardlink));

        Assert.Equal(1, rerun.Transform.Restored);
        Assert.Equal(0, rerun.Stages.TransformRuns);
        Assert.Equal(expected, _ws.Read("out/item00003.txt"));
        Assert.True(SharesTheStoredCopy("out/item00003.txt"));
        Assert.False(IsWritable(_ws.PathOf("out/item00003.txt")));
    }

    [Fact]
    public async Task An_output_replaced_by_an_edited_file_is_detected_and_put_back_and_the_store_is_untouched()
    {
        await RunAsync(Using(CacheLinkType.Hardlink));
        var expected = _ws.Read("out/item00004.txt");
        var stored = StoredCopyOf("out/item00004.txt");
        // What an editor does with a file it may not write: a new file under the old name.
        var edited = _ws.PathOf("out/item00004.txt.new");
        await File.WriteAllTextAsync(edited, "edited by hand", Ct);
        File.Move(edited, _ws.PathOf("out/item00004.txt"), overwrite: true);

        await AssertSeenAsModifiedAsync("out/item00004.txt");

        Assert.Equal(expected, await File.ReadAllTextAsync(stored, Ct));
        var rerun = await RunAsync(Using(CacheLinkType.Hardlink));

        Assert.Equal(1, rerun.Transform.Restored);
        Assert.Equal(0, rerun.Stages.TransformRuns);
        Assert.Equal(expected, _ws.Read("out/item00004.txt"));
        Assert.True(SharesTheStoredCopy("out/item00004.txt"));
    }

    [Fact]
    public async Task An_output_written_in_place_is_refused_or_if_root_wrote_it_caught_with_its_stored_copy_and_redone()
    {
        await RunAsync(Using(CacheLinkType.Hardlink));
        var expected = _ws.Read("out/item00002.txt");
        var stored = StoredCopyOf("out/item00002.txt");
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(_ws.PathOf("out/item00002.txt"), "edited in place"));
            Assert.Equal(expected, await File.ReadAllTextAsync(stored, Ct));
            return;
        }

        // Root writes through the missing write permission, into the one file both names share.
        await File.WriteAllTextAsync(_ws.PathOf("out/item00002.txt"), "edited in place", Ct);
        Assert.Equal("edited in place", await File.ReadAllTextAsync(stored, Ct));
        await AssertSeenAsModifiedAsync("out/item00002.txt");

        var observer = new RecordingObserver();

        var rerun = await RunAsync(Using(CacheLinkType.Hardlink, observer));

        Assert.Equal(0, rerun.Transform.Restored);
        Assert.Equal(1, rerun.Transform.Ran);
        Assert.Contains(observer.Warnings, w => w.Contains("corrupt", StringComparison.Ordinal) && w.Contains("written in place", StringComparison.Ordinal));
        Assert.Equal(expected, _ws.Read("out/item00002.txt"));
        Assert.Equal(expected, await File.ReadAllTextAsync(stored, Ct));
        Assert.True(SharesTheStoredCopy("out/item00002.txt"));
    }

    [Fact]
    public async Task Publishing_replaces_a_corrupt_stored_copy_rather_than_linking_the_output_to_it()
    {
        await RunAsync(Using(CacheLinkType.Hardlink));
        var expected = _ws.Read("out/item00001.txt");
        var stored = StoredCopyOf("out/item00001.txt");
        // Damaged behind the output's back: a new file in the store, so the output itself keeps its bytes.
        File.Delete(stored);
        await File.WriteAllTextAsync(stored, "bit rot", Ct);

        await RunAsync(Using(CacheLinkType.Hardlink, force: true));

        Assert.Equal(expected, _ws.Read("out/item00001.txt"));
        Assert.Equal(expected, await File.ReadAllTextAsync(stored, Ct));
        Assert.True(SharesTheStoredCopy("out/item00001.txt"));
    }

    [Fact]
    public async Task Read_only_outputs_are_replaced_by_a_rerun_and_restored_over()
    {
        await RunAsync(Using(CacheLinkType.Hardlink), salt: "one");
        var first = _ws.Snapshot("out");

        var changed = await RunAsync(Using(CacheLinkType.Hardlink), salt: "two");
        Assert.Equal(6, changed.Transform.Ran);
        Assert.NotEqual(first, _ws.Snapshot("out"));
        var back = await RunAsync(Using(CacheLinkType.Hardlink), salt: "one");

        Assert.Equal(6, back.Transform.Restored);
        Assert.Equal(first, _ws.Snapshot("out"));
        Assert.All(Outputs, o => Assert.True(SharesTheStoredCopy(o)));
    }

    [Fact]
    public async Task A_folder_output_of_read_only_files_is_moved_aside_restored_whole_and_deleted()
    {
        UnitStage Folder(string mode) => new("Folder", 1)
        {
            Parameters = new Dictionary<string, string> { ["mode"] = mode },
            Outputs = ["model/"],
            Run = async (run, ct) =>
            {
                await File.WriteAllTextAsync(Path.Combine(run.Output(0), "weights.bin"), mode, ct);
                Directory.CreateDirectory(Path.Combine(run.Output(0), "checkpoints"));
                await File.WriteAllTextAsync(Path.Combine(run.Output(0), "checkpoints", mode + ".ckpt"), mode, ct);
            },
        };

        using (var pipeline = Pipeline.Open(_ws.Workspace, Using(CacheLinkType.Hardlink)))
        {
            await pipeline.RunAsync(Folder("x"), Ct);
            Assert.False(IsWritable(_ws.PathOf("model/checkpoints/x.ckpt")));
            await pipeline.RunAsync(Folder("y"), Ct);
            // Restoring x puts x.ckpt back and deletes y.ckpt, read-only as it is.
            Assert.Equal(1, (await pipeline.RunAsync(Folder("x"), Ct)).Restored);
        }

        Assert.Equal(["model/checkpoints/x.ckpt", "model/weights.bin"], _ws.Snapshot("model").Keys.Select(k => k.Replace('\\', '/')));
        Assert.True(SharesTheStoredCopy("model/weights.bin"));
        Directory.Delete(_ws.PathOf("model"), recursive: true);
        Directory.Delete(_ws.Workspace.CacheDirectory, recursive: true);
        Assert.False(Directory.Exists(_ws.Workspace.StoreDirectory));
    }

    [Fact]
    public async Task A_store_on_another_file_system_gets_copies_under_auto_and_refuses_a_forced_hard_link()
    {
        // /dev/shm is a tmpfs: a link from the workspace's file system into it fails with EXDEV.
        Assert.SkipUnless(Directory.Exists("/dev/shm") && !_ws.Root.StartsWith("/dev/shm/", StringComparison.Ordinal), "no tmpfs at /dev/shm apart from the workspace");
        var elsewhere = Directory.CreateDirectory(Path.Combine("/dev/shm", "sonique-store-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            Directory.CreateDirectory(_ws.Workspace.CacheDirectory);
            Directory.CreateSymbolicLink(_ws.Workspace.StoreDirectory, elsewhere);

            var refused = Assert.Throws<NotSupportedException>(() => Pipeline.Open(_ws.Workspace, Using(CacheLinkType.Hardlink)));
            Assert.Contains("hardlink cannot be used", refused.Message, StringComparison.Ordinal);
            var run = await RunAsync(Using(CacheLinkType.Auto));

            Assert.Equal(6, run.Transform.Ran);
            Assert.All(Outputs, o => Assert.False(SharesTheStoredCopy(o)));
            Assert.All(Outputs, o => Assert.True(IsWritable(_ws.PathOf(o))));
            Assert.All(Outputs, o => Assert.Equal(FileHasher.Hash(_ws.PathOf(o), Ct), FileHasher.Hash(Path.Combine(elsewhere, Path.GetRelativePath(_ws.Workspace.StoreDirectory, StoredCopyOf(o))), Ct)));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    [Trait("Tier", "Tool")] // cp says whether this file system can clone
    public async Task A_reflinked_output_is_a_writable_clone_whose_edit_in_place_leaves_the_stored_copy_alone()
    {
        Assert.SkipUnless(await CpCanReflinkAsync(), "this file system makes no reflinks (btrfs and XFS do)");
        await RunAsync(Using(CacheLinkType.Reflink));
        var expected = _ws.Read("out/item00005.txt");
        var stored = StoredCopyOf("out/item00005.txt");
        Assert.False(SharesTheStoredCopy("out/item00005.txt"));
        Assert.True(IsWritable(_ws.PathOf("out/item00005.txt")));

        await File.WriteAllTextAsync(_ws.PathOf("out/item00005.txt"), "edited in place", Ct);
        var rerun = await RunAsync(Using(CacheLinkType.Reflink));

        Assert.Equal(expected, await File.ReadAllTextAsync(stored, Ct));
        Assert.Equal(1, rerun.Transform.Restored);
        Assert.Equal(expected, _ws.Read("out/item00005.txt"));
    }

    [Fact]
    [Trait("Tier", "Tool")] // cp says whether this file system can clone
    public async Task Auto_takes_a_reflink_where_cp_can_make_one_and_else_a_hard_link()
    {
        var reflinks = await CpCanReflinkAsync();

        await RunAsync(Using(CacheLinkType.Auto));

        Assert.Equal(reflinks ? CacheLinkType.Reflink : CacheLinkType.Hardlink, FileLinks.Choose(CacheLinkType.Auto, _ws.Workspace.StagingDirectory, _ws.Workspace.StoreDirectory));
        Assert.All(Outputs, o => Assert.Equal(!reflinks, SharesTheStoredCopy(o)));
        Assert.All(Outputs, o => Assert.Equal(reflinks, IsWritable(_ws.PathOf(o))));
    }

    [Fact]
    [Trait("Tier", "Tool")] // cp says whether this file system can clone
    public async Task Asking_for_reflinks_where_the_file_system_cannot_clone_stops_the_run_with_the_reason()
    {
        Assert.SkipWhen(await CpCanReflinkAsync(), "this file system makes reflinks");

        var refused = Assert.Throws<NotSupportedException>(() => Pipeline.Open(_ws.Workspace, Using(CacheLinkType.Reflink)));

        Assert.Contains("reflink cannot be used", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_ws.Workspace.StoreDirectory, refused.Message, StringComparison.Ordinal);
        // Nothing held: the same workspace runs at once with a type that works.
        Assert.Equal(6, (await RunAsync(Using(CacheLinkType.Auto))).Transform.Ran);
    }

    /// <summary>Whether coreutils can clone a file in the workspace's cache folder (<c>cp --reflink=always</c> fails
    /// where the file system has no clones).</summary>
    private async Task<bool> CpCanReflinkAsync()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_ws.Workspace.CacheDirectory, "cp-probe")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "a"), "a", Ct);
        try
        {
            await ExternalTool.RunAsync("cp", ["--reflink=always", Path.Combine(folder, "a"), Path.Combine(folder, "b")], Ct);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
