namespace Sonique.Engine.Tests.Storage;

public sealed class LockFileTests : IDisposable
{
    private readonly TempWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void Items_in_the_journal_of_a_killed_run_are_replayed_and_a_torn_last_line_is_ignored()
    {
        var lockPath = _ws.PathOf("sonique.lock");
        var journal = _ws.PathOf("lock.journal");
        using (var first = LockFile.Open(lockPath, journal))
        {
            first.CommitItem("Stage", "a", new ItemRecord { Fingerprint = "f-a" });
            first.CommitItem("Stage", "b", new ItemRecord { Fingerprint = "f-b" });
        }

        // As if the process died while writing a third line.
        File.AppendAllText(journal, "{\"stage\":\"Stage\",\"item\":\"c\",\"rec");
        Assert.False(File.Exists(lockPath));

        using var reopened = LockFile.Open(lockPath, journal);

        Assert.Equal("f-a", reopened.Item("Stage", "a")?.Fingerprint);
        Assert.Equal("f-b", reopened.Item("Stage", "b")?.Fingerprint);
        Assert.Null(reopened.Item("Stage", "c"));
        Assert.True(File.Exists(lockPath));
        Assert.False(File.Exists(journal));
    }

    [Fact]
    public void An_unreadable_lock_file_is_a_clear_error_naming_it()
    {
        _ws.Write("sonique.lock", "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => LockFile.Open(_ws.PathOf("sonique.lock"), _ws.PathOf("j")));

        Assert.Contains("sonique.lock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Committing_a_stage_drops_items_that_are_gone_and_writes_only_on_change()
    {
        var lockPath = _ws.PathOf("sonique.lock");
        using var lockFile = LockFile.Open(lockPath, _ws.PathOf("j"));
        lockFile.CommitItem("S", "keep", new ItemRecord { Fingerprint = "1" });
        lockFile.CommitItem("S", "gone", new ItemRecord { Fingerprint = "2" });

        lockFile.CommitStage("S", new StageRecord { Version = 3 }, new HashSet<string> { "keep" });
        var written = File.GetLastWriteTimeUtc(lockPath);
        File.SetLastWriteTimeUtc(lockPath, written.AddDays(-1));
        lockFile.Flush();

        Assert.Null(lockFile.Item("S", "gone"));
        Assert.NotNull(lockFile.Item("S", "keep"));
        Assert.Equal(3, lockFile.Stage("S")?.Version);
        Assert.Equal(written.AddDays(-1), File.GetLastWriteTimeUtc(lockPath));
    }
}
