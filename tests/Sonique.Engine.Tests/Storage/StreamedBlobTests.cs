using System.Runtime.Versioning;
using System.Text;
using Sonique.Engine.Hashing;
using Sonique.Tests.Shared;

namespace Sonique.Engine.Tests.Storage;

/// <summary>
/// A blob streamed into the store (what a pull from the remote does): hashed on the way, stored under its name only
/// when the bytes are the blob, and hard-linked out the first time without a second read (while it is still the file
/// that was streamed in); every later restore verifies it as any other. Linux's: the inodes come from statx.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class StreamedBlobTests : IDisposable
{
    private readonly TempFolder _folder = new("streamed-");

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ContentStore Store { get; }

    public StreamedBlobTests() => Store = new ContentStore(Path.Combine(_folder.Root, "store"), CacheLinkType.Hardlink);

    [Fact]
    public async Task Bytes_that_are_not_the_blob_are_refused_and_leave_nothing_in_the_store()
    {
        var expected = ContentHash.Of(Encoding.UTF8.GetBytes("the blob"));
        using var source = new MemoryStream(Encoding.UTF8.GetBytes("a foreign object"));

        var (actual, length) = await Store.AddStreamAsync(expected, source, Ct);

        Assert.Equal(ContentHash.Of(Encoding.UTF8.GetBytes("a foreign object")), actual);
        Assert.Equal(16, length);
        Assert.False(Store.Contains(expected));
        Assert.Empty(Directory.EnumerateFiles(Store.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_streamed_blob_is_linked_out_whole_and_once_edited_in_place_it_is_caught_as_corrupt()
    {
        var bytes = new byte[3 << 20];
        new Random(7).NextBytes(bytes);
        var hash = ContentHash.Of(bytes);
        using (var source = new MemoryStream(bytes))
        {
            Assert.Equal((hash, bytes.LongLength), await Store.AddStreamAsync(hash, source, Ct));
        }

        var first = Path.Combine(_folder.Root, "first.bin");
        Assert.Equal(RestoreResult.Restored, await Store.TryRestoreAsync(hash, first, Ct));
        Assert.Equal(FileStamp.Read(Store.PathOf(hash))!.Value.Inode, FileStamp.Read(first)!.Value.Inode);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(first, Ct));

        // Written in place, same length: what a tool that ignores the read-only mode does to both names.
        File.SetUnixFileMode(Store.PathOf(hash), File.GetUnixFileMode(Store.PathOf(hash)) | UnixFileMode.UserWrite);
        await using (var edit = new FileStream(Store.PathOf(hash), FileMode.Open, FileAccess.Write))
        {
            edit.Position = 1 << 20;
            edit.WriteByte((byte)(bytes[1 << 20] ^ 0x40));
        }

        Assert.Equal(RestoreResult.Corrupt, await Store.TryRestoreAsync(hash, Path.Combine(_folder.Root, "second.bin"), Ct));
        Assert.False(Store.Contains(hash));
    }
}
