using Sonique.Engine.Hashing;

namespace Sonique.Engine.Tests.Hashing;

public sealed class FileHashCacheTests : IDisposable
{
    private readonly TempWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void An_unchanged_file_is_answered_from_the_saved_cache_without_reading_it()
    {
        _ws.Write("a.txt", "hello");
        var cachePath = _ws.PathOf("cache/hashes.bin");
        var first = FileHashCache.Load(cachePath);
        var hash = first.Hash(_ws.PathOf("a.txt"), Ct);
        first.Save();

        var second = FileHashCache.Load(cachePath);

        Assert.Equal(hash, second.Hash(_ws.PathOf("a.txt"), Ct));
        Assert.Equal(0, second.FilesHashed);
        Assert.Equal(ContentHash.Of("hello"u8), hash);
    }

    [Fact]
    public void An_edit_that_keeps_size_and_modification_time_is_still_seen()
    {
        var path = _ws.PathOf("a.txt");
        _ws.Write("a.txt", "hello");
        var cache = FileHashCache.InMemory();
        var before = cache.Hash(path, Ct);
        var mtime = File.GetLastWriteTimeUtc(path);

        File.WriteAllText(path, "jello");
        File.SetLastWriteTimeUtc(path, mtime);

        Assert.NotEqual(before, cache.Hash(path, Ct));
        Assert.Equal(2, cache.FilesHashed);
    }

    [Fact]
    public void A_damaged_cache_file_is_discarded_not_trusted()
    {
        _ws.Write("cache/hashes.bin", "garbage that is not a hash cache");

        var cache = FileHashCache.Load(_ws.PathOf("cache/hashes.bin"));

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_cache_saved_with_paths_by_an_earlier_version_is_still_trusted()
    {
        _ws.Write("a.txt", "hello");
        var file = _ws.PathOf("a.txt");
        var stamp = FileStamp.Read(file)!.Value;
        var hash = ContentHash.Of("hello"u8);
        Directory.CreateDirectory(_ws.PathOf("cache"));
        using (var writer = new BinaryWriter(File.Create(_ws.PathOf("cache/hashes.bin"))))
        {
            writer.Write(0x53484331u);
            writer.Write(1);
            writer.Write(file);
            writer.Write(stamp.Size);
            writer.Write(stamp.ModifiedNs);
            writer.Write(stamp.ChangedNs);
            writer.Write(stamp.Inode);
            writer.Write((ulong)(hash.Value >> 64));
            writer.Write((ulong)hash.Value);
        }

        var cache = FileHashCache.Load(_ws.PathOf("cache/hashes.bin"));

        Assert.Equal(hash, cache.Hash(file, Ct));
        Assert.Equal(0, cache.FilesHashed);
        cache.Save();
        Assert.Equal(0x53484332u, BitConverter.ToUInt32(File.ReadAllBytes(_ws.PathOf("cache/hashes.bin")), 0));
        Assert.Equal(hash, FileHashCache.Load(_ws.PathOf("cache/hashes.bin")).Hash(file, Ct));
    }

    [Fact]
    public void A_truncated_cache_keeps_its_whole_entries_and_hashes_the_rest_again()
    {
        var cachePath = _ws.PathOf("cache/hashes.bin");
        var first = FileHashCache.Load(cachePath);
        for (var i = 0; i < 10; i++)
        {
            _ws.Write($"f{i}.txt", $"content {i}");
            first.Hash(_ws.PathOf($"f{i}.txt"), Ct);
        }

        first.Save();
        var bytes = File.ReadAllBytes(cachePath);
        File.WriteAllBytes(cachePath, bytes[..(bytes.Length - 5)]);

        var second = FileHashCache.Load(cachePath);
        Assert.Equal(9, second.Count);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ContentHash.Of($"content {i}"), second.Hash(_ws.PathOf($"f{i}.txt"), Ct));
        }

        Assert.Equal(1, second.FilesHashed);
    }

    [Fact]
    public void A_trusted_check_is_not_repeated_until_the_file_is_remembered_or_checks_are_forgotten()
    {
        var path = _ws.PathOf("a.txt");
        _ws.Write("a.txt", "hello");
        var cache = FileHashCache.InMemory();
        cache.TrustChecks();
        var hello = cache.Hash(path, Ct);

        File.Delete(path);
        Assert.Equal(hello, cache.TryHash(path, Ct));
        Assert.Equal(1, cache.StampsRead);

        _ws.Write("a.txt", "jello");
        cache.Remember(path, ContentHash.Of("jello"u8));
        Assert.Equal(ContentHash.Of("jello"u8), cache.TryHash(path, Ct));

        cache.ForgetChecks();
        File.Delete(path);
        Assert.Null(cache.TryHash(path, Ct));
        Assert.Null(cache.TryHash(path, Ct));
        Assert.Equal(4, cache.StampsRead);
    }

    [Fact]
    public void A_missing_file_has_no_hash()
    {
        Assert.Null(FileHashCache.InMemory().TryHash(_ws.PathOf("nope"), Ct));
    }

    [Fact]
    public async Task Copying_returns_the_hash_of_the_bytes_copied()
    {
        var bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(bytes);
        await File.WriteAllBytesAsync(_ws.PathOf("big.bin"), bytes, Ct);

        var copied = await FileHasher.CopyAsync(_ws.PathOf("big.bin"), _ws.PathOf("copy.bin"), Ct);

        Assert.Equal(ContentHash.Of(bytes), copied);
        Assert.Equal(copied, FileHasher.Hash(_ws.PathOf("copy.bin"), Ct));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(_ws.PathOf("copy.bin"), Ct));
    }

    [Fact]
    public void Content_hashes_round_trip_through_text_and_reject_garbage()
    {
        var hash = ContentHash.Of("x"u8);

        Assert.Equal(hash, ContentHash.Parse(hash.ToString()));
        Assert.Equal(32, hash.ToString().Length);
        Assert.False(ContentHash.TryParse("not-a-hash", out _));
        Assert.False(ContentHash.TryParse(new string('g', 32), out _));
    }
}
