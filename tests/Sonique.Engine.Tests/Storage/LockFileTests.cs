using Sonique.Engine.Hashing;

namespace Sonique.Engine.Tests.Storage;

public sealed class LockFileTests : IDisposable
{
    private readonly TempWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private ContentStore Store => new(_ws.Workspace.StoreDirectory);

    [Fact]
    public void Items_in_the_journal_of_a_killed_run_are_replayed_and_a_torn_last_line_is_ignored()
    {
        var lockPath = _ws.PathOf("sonique.lock");
        var journal = _ws.PathOf("lock.journal");
        using (var first = LockFile.Open(lockPath, journal, Store))
        {
            first.CommitItem("Stage", "a", new ItemRecord { Fingerprint = "f-a" });
            first.CommitItem("Stage", "b", new ItemRecord { Fingerprint = "f-b" });
        }

        // As if the process died while writing a third line.
        File.AppendAllText(journal, "{\"stage\":\"Stage\",\"item\":\"c\",\"rec");
        Assert.False(File.Exists(lockPath));

        using var reopened = LockFile.Open(lockPath, journal, Store);

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

        var error = Assert.Throws<InvalidDataException>(() => LockFile.Open(_ws.PathOf("sonique.lock"), _ws.PathOf("j"), Store));

        Assert.Contains("sonique.lock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Committing_a_stage_drops_items_that_are_gone_and_writes_only_on_change()
    {
        var lockPath = _ws.PathOf("sonique.lock");
        using var lockFile = LockFile.Open(lockPath, _ws.PathOf("j"), Store);
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

    [Fact]
    public void Item_records_live_in_a_manifest_in_the_store_and_the_lock_file_keeps_a_header_that_does_not_grow()
    {
        var lockPath = _ws.PathOf("sonique.lock");
        using (var lockFile = LockFile.Open(lockPath, _ws.PathOf("j"), Store))
        {
            for (var i = 0; i < 300; i++)
            {
                lockFile.CommitItem("S", $"clip-{i:D4}", Record(i, failure: i % 100 == 7 ? "no audio stream" : null));
            }

            lockFile.CommitStage("S", new StageRecord { Version = 2 }, Enumerable.Range(0, 300).Select(i => $"clip-{i:D4}").ToHashSet());
        }

        var text = File.ReadAllText(lockPath);
        Assert.DoesNotContain("clip-", text, StringComparison.Ordinal);
        Assert.DoesNotContain("no audio stream", text, StringComparison.Ordinal);
        Assert.Contains("\"items\": 300,\n      \"succeeded\": 297,\n      \"failed\": 3", text, StringComparison.Ordinal);
        Assert.InRange(text.Length, 100, 400);
        using var reopened = LockFile.Open(lockPath, _ws.PathOf("j"), Store);
        var manifest = Assert.Single(reopened.Manifests);
        Assert.True(Store.Contains(manifest));
        Assert.Equal(ItemRecordText.Of(Enumerable.Range(0, 300).ToDictionary(i => $"clip-{i:D4}", i => Record(i, failure: i % 100 == 7 ? "no audio stream" : null))), ItemRecordText.Of(reopened.Items("S")));
    }

    [Fact]
    public void A_unit_stage_that_reads_many_files_lists_them_in_a_manifest_and_a_few_inline()
    {
        var lockPath = _ws.PathOf("sonique.lock");
        StageRecord Unit(int inputs) => new()
        {
            Version = 1,
            Fingerprint = ContentHash.Of($"unit {inputs}").ToString(),
            Inputs = new(Enumerable.Range(0, inputs).ToDictionary(i => $"out/{i:D5}.txt", i => ContentHash.Of($"in {i}").ToString()), StringComparer.Ordinal),
            Outputs = new(StringComparer.Ordinal) { ["summary.txt"] = ContentHash.Of("summary").ToString() },
        };
        using var lockFile = LockFile.Open(lockPath, _ws.PathOf("j"), Store);

        lockFile.CommitStage("Summarize", Unit(LockFile.InlineInputsLimit + 50));

        var text = File.ReadAllText(lockPath);
        Assert.DoesNotContain("out/", text, StringComparison.Ordinal);
        Assert.Contains($"\"inputFiles\": {LockFile.InlineInputsLimit + 50}", text, StringComparison.Ordinal);
        Assert.Contains("summary.txt", text, StringComparison.Ordinal);
        Assert.Null(lockFile.Items("Summarize"));
        using (var reopened = LockFile.OpenForReading(lockPath, _ws.PathOf("j"), Store))
        {
            Assert.Equal(Unit(LockFile.InlineInputsLimit + 50).Inputs, reopened.UnitInputs("Summarize"));
            Assert.True(Store.Contains(Assert.Single(reopened.Manifests)));
        }

        File.SetLastWriteTimeUtc(lockPath, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        lockFile.CommitStage("Summarize", Unit(LockFile.InlineInputsLimit + 50));
        Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(lockPath));

        lockFile.CommitStage("Summarize", Unit(3));
        Assert.Contains("out/00002.txt", File.ReadAllText(lockPath), StringComparison.Ordinal);
        Assert.Empty(lockFile.Manifests);
        Assert.Equal(3, lockFile.UnitInputs("Summarize")?.Count);
    }

    [Fact]
    public void A_stage_that_ran_with_no_items_is_not_taken_for_one_that_never_ran()
    {
        var lockPath = _ws.PathOf("sonique.lock");
        using (var lockFile = LockFile.Open(lockPath, _ws.PathOf("j"), Store))
        {
            Assert.False(lockFile.HasItemRecords("Empty"));
            lockFile.CommitStage("Empty", new StageRecord { Version = 1 }, new HashSet<string>());
        }

        using var reopened = LockFile.Open(lockPath, _ws.PathOf("j"), Store);
        Assert.True(reopened.HasItemRecords("Empty"));
        Assert.Empty(reopened.Items("Empty")!);
        Assert.Equal(0, reopened.Stage("Empty")?.Items);
        Assert.False(reopened.HasItemRecords("Other"));
    }

    [Fact]
    public void A_manifest_is_canonical_and_keeps_every_field()
    {
        var records = new Dictionary<string, ItemRecord>(StringComparer.Ordinal)
        {
            ["b"] = Record(2, failure: "corrupt: only 3 s of 10 s could be decoded", permanent: true),
            ["a"] = Record(1),
            ["c"] = new ItemRecord { Fingerprint = "not a hash", Values = new(StringComparer.Ordinal) { ["id"] = "é/\n" }, Inputs = new(StringComparer.Ordinal) { ["x"] = "text" } },
        };
        var reversed = records.Reverse().ToDictionary(StringComparer.Ordinal);

        var bytes = Manifest.Encode(records);

        Assert.Equal(bytes, Manifest.Encode(reversed));
        Assert.Equal(ItemRecordText.Of(records), ItemRecordText.Of(Manifest.Decode(bytes)));
        Assert.Throws<InvalidDataException>(() => Manifest.Decode(bytes.AsSpan(0, bytes.Length - 3)));
        Assert.Throws<InvalidDataException>(() => Manifest.Decode("{\"items\": {}}"u8));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_manifest_missing_or_corrupt_in_the_store_is_warned_about_once_and_its_items_have_no_record(bool corrupt)
    {
        var lockPath = _ws.PathOf("sonique.lock");
        using (var lockFile = LockFile.Open(lockPath, _ws.PathOf("j"), Store))
        {
            lockFile.CommitItem("S", "a", Record(1));
            lockFile.CommitItem("S", "b", Record(2));
            lockFile.CommitStage("S", new StageRecord { Version = 1 }, new HashSet<string> { "a", "b" });
        }

        var manifest = LockFile.OpenForReading(lockPath, _ws.PathOf("j"), Store).Manifests.Single();
        if (corrupt)
        {
            File.WriteAllText(Store.PathOf(manifest), "bit rot");
        }
        else
        {
            File.Delete(Store.PathOf(manifest));
        }

        var warnings = new List<string>();
        using var reopened = LockFile.Open(lockPath, _ws.PathOf("j"), Store, (stage, message) => warnings.Add($"{stage}: {message}"));

        Assert.Null(reopened.Item("S", "a"));
        Assert.Null(reopened.Item("S", "b"));
        Assert.Equal(1, reopened.Stage("S")?.Version);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("S: ", warning, StringComparison.Ordinal);
        Assert.Contains(manifest.ToString(), warning, StringComparison.Ordinal);
        Assert.Contains(corrupt ? "corrupt" : "not in the store", warning, StringComparison.Ordinal);
        Assert.False(File.Exists(Store.PathOf(manifest)));

        // Recording the items again writes the same records, so the same manifest: the store holds it again.
        reopened.CommitItem("S", "a", Record(1));
        reopened.CommitItem("S", "b", Record(2));
        reopened.CommitStage("S", new StageRecord { Version = 1 }, new HashSet<string> { "a", "b" });
        Assert.Equal(manifest, Assert.Single(reopened.Manifests));
        Assert.True(Store.Contains(manifest));
    }

    [Fact]
    public void A_lock_file_of_format_1_is_read_as_it_is_and_rewritten_with_its_items_in_a_manifest_on_the_next_change()
    {
        var lockPath = _ws.PathOf("sonique.lock");
        const string Format1 = """
            {
              "format": 1,
              "stages": {
                "S": {
                  "version": 4,
                  "parameters": { "p": "1" },
                  "items": {
                    "a": { "fingerprint": "0e146c13bbfea50f40a09a87ba1c0104", "inputs": { "in/a": "b452638ce157fabb575be8f297f6248a" }, "outputs": { "out/a": "de99787978fb95ac1c627dc4e7f8b119" }, "permanent": false },
                    "b": { "fingerprint": "6698d9115169f326c200f0b865b37092", "inputs": {}, "outputs": {}, "failure": "no audio stream", "permanent": true }
                  }
                },
                "U": { "version": 1, "parameters": {}, "fingerprint": "74f3a079be03c2bc36f717e4d4802dfc", "inputs": {}, "outputs": { "u.txt": "b1a90dbdd0b511fd9e984a935f762fa2" } }
              }
            }
            """;
        File.WriteAllText(lockPath, Format1);
        using var lockFile = LockFile.Open(lockPath, _ws.PathOf("j"), Store);
        var before = ItemRecordText.Of(lockFile.Items("S"));
        Assert.Equal("no audio stream", lockFile.Item("S", "b")?.Failure);
        Assert.Empty(lockFile.Manifests);

        lockFile.CommitStage("S", new StageRecord { Version = 4, Parameters = new(StringComparer.Ordinal) { ["p"] = "1" } }, new HashSet<string> { "a", "b" });
        lockFile.CommitStage("U", lockFile.Stage("U")!);
        Assert.Equal(Format1, File.ReadAllText(lockPath));

        lockFile.CommitItem("S", "c", Record(3));
        lockFile.CommitStage("S", new StageRecord { Version = 4, Parameters = new(StringComparer.Ordinal) { ["p"] = "1" } }, new HashSet<string> { "a", "b", "c" });

        var text = File.ReadAllText(lockPath);
        Assert.Contains("\"format\": 2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("no audio stream", text, StringComparison.Ordinal);
        Assert.Contains("\"u.txt\": \"b1a90dbdd0b511fd9e984a935f762fa2\"", text, StringComparison.Ordinal);
        using var reopened = LockFile.Open(lockPath, _ws.PathOf("j"), Store);
        Assert.Equal([.. before, .. ItemRecordText.Of(new Dictionary<string, ItemRecord> { ["c"] = Record(3) })], ItemRecordText.Of(reopened.Items("S")));
        Assert.Equal("74f3a079be03c2bc36f717e4d4802dfc", reopened.Stage("U")?.Fingerprint);
    }

    [Fact]
    public void A_lock_file_of_an_unknown_format_is_refused_naming_it()
    {
        _ws.Write("sonique.lock", "{ \"format\": 9, \"stages\": {} }");

        var error = Assert.Throws<InvalidDataException>(() => LockFile.Open(_ws.PathOf("sonique.lock"), _ws.PathOf("j"), Store));

        Assert.Contains("format 9", error.Message, StringComparison.Ordinal);
        Assert.Contains("sonique.lock", error.Message, StringComparison.Ordinal);
    }

    private static ItemRecord Record(int i, string? failure = null, bool permanent = false) => new()
    {
        Fingerprint = ContentHash.Of($"fingerprint {i}").ToString(),
        Inputs = new(StringComparer.Ordinal) { [$"in/{i}.a"] = ContentHash.Of($"a {i}").ToString(), [$"in/{i}.b"] = ContentHash.Of($"b {i}").ToString() },
        Outputs = failure is null ? new(StringComparer.Ordinal) { [$"out/{i}.txt"] = ContentHash.Of($"out {i}").ToString() } : new(StringComparer.Ordinal),
        Failure = failure,
        Permanent = permanent,
    };
}
