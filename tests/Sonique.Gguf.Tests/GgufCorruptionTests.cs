using System.Buffers.Binary;
using Sonique.Tests.Shared;

namespace Sonique.Gguf.Tests;

/// <summary>Files that are not GGUF, or are damaged, fail with a message that names the file and the damage,
/// and never allocate what a corrupt count claims.</summary>
public sealed class GgufCorruptionTests
{
    [Fact]
    public async Task A_file_that_is_not_gguf_is_named()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("model.bin");
        await File.WriteAllBytesAsync(path, "PK\u0003\u0004 a zip file"u8.ToArray(), TestContext.Current.CancellationToken);

        var error = await Read(path);

        Assert.Equal($"The file '{path}' is not GGUF: it does not start with the GGUF magic bytes 47475546 (\"GGUF\") but with 504b0304.", error.Message);
    }

    [Fact]
    public async Task An_empty_file_is_named()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("empty.gguf");
        await File.WriteAllBytesAsync(path, [], TestContext.Current.CancellationToken);

        var error = await Read(path);

        Assert.Equal($"The file '{path}' is not GGUF: it is empty.", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Unsupported_versions_are_refused(uint version)
    {
        var bytes = await Valid();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), version);

        var error = await Read(await Save(bytes));

        Assert.Contains($"has version {version}; versions 2 and 3 are understood", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_truncated_inside_its_header_says_so()
    {
        var bytes = await Valid();
        var path = await Save(bytes[..40]);

        var error = await Read(path);

        Assert.Equal($"The GGUF file '{path}' is truncated: its header runs past the end of the file (40 bytes).", error.Message);
    }

    [Fact]
    public async Task A_file_truncated_inside_its_data_names_the_tensor()
    {
        var bytes = await Valid();
        var path = await Save(bytes[..^4]);

        var error = await Read(path);

        Assert.Contains("is truncated: tensor 'weights' ends at byte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_absurd_count_fails_at_once_without_allocating_it()
    {
        var bytes = await Valid();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), ulong.MaxValue / 2); // the metadata count

        var error = await Read(await Save(bytes));

        Assert.Contains("is corrupt: its metadata count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_absurd_string_length_fails_at_once()
    {
        var bytes = await Valid();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), 1UL << 40); // the first key's length

        var error = await Read(await Save(bytes));

        Assert.Contains("is corrupt: a string of 1099511627776 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_value_type_names_the_key()
    {
        var bytes = await Valid();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32 + "general.architecture".Length), 99);

        var error = await Read(await Save(bytes));

        Assert.Contains("key 'general.architecture' has value type 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_single_byte_flip_in_the_header_either_reads_or_fails_cleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = await Valid();
        using var folder = new TempFolder();
        var path = folder.PathOf("flipped.gguf");
        var headerLength = (int)(await GgufFile.ReadAsync(await Save(bytes), ct)).DataOffset;
        for (var i = 0; i < headerLength; i++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[i] ^= 0xFF;
            await File.WriteAllBytesAsync(path, flipped, ct);
            try
            {
                await GgufFile.ReadAsync(path, ct);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
            }
        }
    }

    private static async Task<InvalidDataException> Read(string path) =>
        await Assert.ThrowsAsync<InvalidDataException>(() => GgufFile.ReadAsync(path, TestContext.Current.CancellationToken));

    private static async Task<byte[]> Valid()
    {
        var path = Path.Combine(TempFolder.ProcessRoot, $"gguf-{Guid.NewGuid():N}.gguf");
        try
        {
            var writer = new GgufWriter()
                .Add("general.architecture", "llama")
                .Add("tokenizer.ggml.tokens", GgufValue.Array(new[] { "a", "b", "c" }))
                .AddTensor("weights", [8], new float[8]);
            await writer.WriteAsync(path, TestContext.Current.CancellationToken);
            return await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> Save(byte[] bytes)
    {
        var path = Path.Combine(TempFolder.ProcessRoot, $"gguf-{Guid.NewGuid():N}.gguf");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        return path;
    }
}
