using System.Text;
using Sonique.Files;
using Sonique.Tests.Shared;

namespace Sonique.Files.Tests;

public sealed class AtomicFileTests
{
    [Fact]
    public async Task A_whole_write_replaces_the_file_and_leaves_nothing_beside_it()
    {
        using var temp = new TempFolder();
        var path = temp.PathOf("deep/folder/data.txt");
        AtomicFile.WriteAllText(path, "old");

        await AtomicFile.WriteAllTextAsync(path, "new \u00e9", TestContext.Current.CancellationToken);

        Assert.Equal("new \u00e9"u8.ToArray(), await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void A_writer_that_fails_halfway_leaves_the_old_content_and_no_temporary_file()
    {
        using var temp = new TempFolder();
        var path = temp.PathOf("data.txt");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the n"u8);
            throw new InvalidOperationException("killed");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Root));
    }

    [Fact]
    public async Task A_cancelled_write_leaves_the_old_content_and_no_temporary_file()
    {
        using var temp = new TempFolder();
        var path = temp.PathOf("data.txt");
        AtomicFile.WriteAllText(path, "old");
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("new"), ct);
            await cancellation.CancelAsync();
        }, cancellation.Token));

        Assert.Equal("old", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal([path], Directory.GetFiles(temp.Root));
    }

    [Fact]
    public void Text_is_written_as_utf8_without_a_byte_order_mark()
    {
        using var temp = new TempFolder();
        var path = temp.PathOf("data.txt");

        AtomicFile.WriteAllText(path, "\u00e9");

        Assert.Equal(new byte[] { 0xC3, 0xA9 }, File.ReadAllBytes(path));
    }
}
