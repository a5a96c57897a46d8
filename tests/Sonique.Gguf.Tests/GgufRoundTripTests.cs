using System.Buffers.Binary;
using Sonique.Tests.Shared;

namespace Sonique.Gguf.Tests;

public sealed class GgufRoundTripTests
{
    [Fact]
    public async Task Every_value_type_and_tensor_reads_back_as_written()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var path = folder.PathOf("all.gguf");
        var weights = Enumerable.Range(0, 64 * 3).Select(i => i * 0.25f - 7f).ToArray();
        var writer = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("u8", GgufValue.Of((byte)200))
            .Add("i8", GgufValue.Of((sbyte)-100))
            .Add("u16", GgufValue.Of((ushort)60000))
            .Add("i16", GgufValue.Of((short)-30000))
            .Add("u32", 4_000_000_000u)
            .Add("i32", GgufValue.Of(-2_000_000_000))
            .Add("f32", 0.1f)
            .Add("bool", true)
            .Add("text", "héllo ▁wörld")
            .Add("u64", GgufValue.Of(ulong.MaxValue))
            .Add("i64", GgufValue.Of(long.MinValue))
            .Add("f64", GgufValue.Of(Math.PI))
            .Add("tokens", GgufValue.Array(new[] { "<unk>", "<s>", "\u2581the", string.Empty }))
            .Add("scores", GgufValue.Array(new[] { 0f, -1.5f }))
            .Add("types", GgufValue.Array(new[] { 2, 3, 1 }))
            .AddTensor("norm.weight", [5], [1f, 2f, 3f, 4f, 5f])
            .AddTensor("proj.weight", [64, 3], weights, GgmlType.F16)
            .AddTensor("raw.weight", [32], GgmlType.Q8_0, new byte[34]);
        await writer.WriteAsync(path, ct);

        var file = await GgufFile.ReadAsync(path, ct);

        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.Architecture);
        Assert.Equal(["general.architecture", "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "text", "u64", "i64", "f64", "tokens", "scores", "types"], file.Metadata.Select(p => p.Key));
        Assert.Equal((byte)200, file.Get("u8").Raw);
        Assert.Equal((sbyte)-100, file.Get("i8").Raw);
        Assert.Equal((ushort)60000, file.Get("u16").Raw);
        Assert.Equal((short)-30000, file.Get("i16").Raw);
        Assert.Equal(4_000_000_000L, file.Get("u32").AsInt64());
        Assert.Equal(-2_000_000_000L, file.Get("i32").AsInt64());
        Assert.Equal(0.1f, file.Get("f32").AsSingle());
        Assert.True(file.Get("bool").AsBoolean());
        Assert.Equal("héllo ▁wörld", file.Get("text").AsString());
        Assert.Equal(ulong.MaxValue, file.Get("u64").Raw);
        Assert.Equal(long.MinValue, file.Get("i64").AsInt64());
        Assert.Equal(Math.PI, file.Get("f64").Raw);
        Assert.Equal(["<unk>", "<s>", "\u2581the", string.Empty], file.Get("tokens").AsArray<string>());
        Assert.Equal(GgufValueType.String, file.Get("tokens").ElementType);
        Assert.Equal([0f, -1.5f], file.Get("scores").AsArray<float>());
        Assert.Equal([2, 3, 1], file.Get("types").AsArray<int>());
        Assert.Throws<InvalidCastException>(() => file.Get("text").AsInt64());

        Assert.Equal(["norm.weight", "proj.weight", "raw.weight"], file.Tensors.Select(t => t.Name));
        Assert.All(file.Tensors, t => Assert.Equal(0, t.Offset % 32));
        Assert.Equal(0, file.DataOffset % 32);
        var norm = await file.ReadTensorAsFloatsAsync(file.Tensor("norm.weight"), ct);
        Assert.Equal([1f, 2f, 3f, 4f, 5f], norm);
        Assert.Equal(weights, await file.ReadTensorAsFloatsAsync(file.Tensor("proj.weight"), ct)); // quarter steps are exact in F16
        Assert.Equal(GgmlType.F16, file.Tensor("proj.weight").Type);
        Assert.Equal(64 * 3 * 2, file.Tensor("proj.weight").ByteCount);
        Assert.Equal(new byte[34], await file.ReadTensorBytesAsync(file.Tensor("raw.weight"), ct));
    }

    [Fact]
    public async Task The_header_is_laid_out_as_the_specification_says()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var path = folder.PathOf("small.gguf");
        var writer = new GgufWriter().Add("k", 7u).AddTensor("t", [2], [1f, 2f]);
        await writer.WriteAsync(path, ct);

        var bytes = await File.ReadAllBytesAsync(path, ct);

        // magic, version 3, 1 tensor, 1 pair; "k" (length 1), type 4 (uint32), 7; "t", 1 dim of 2, type 0 (F32), offset 0.
        Assert.Equal("GGUF"u8.ToArray(), bytes[..4]);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(1ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(1ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(1ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(24)));
        Assert.Equal((byte)'k', bytes[32]);
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(33)));
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(37)));
        var headerEnd = 41 + 8 + 1 + 4 + 8 + 4 + 8;
        Assert.Equal(74, headerEnd);
        Assert.Equal(96 + 8, bytes.Length); // header padded to 96 (a multiple of 32), then 8 bytes of data
        Assert.All(bytes[headerEnd..96], b => Assert.Equal(0, b));
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(96)));
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(100)));
    }

    [Fact]
    public async Task A_larger_alignment_is_recorded_and_honoured()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var path = folder.PathOf("aligned.gguf");
        var writer = new GgufWriter { Alignment = 64 }.AddTensor("a", [3], [1f, 2f, 3f]).AddTensor("b", [1], [9f]);
        await writer.WriteAsync(path, ct);

        var file = await GgufFile.ReadAsync(path, ct);

        Assert.Equal(64, file.Alignment);
        Assert.Equal(64, file.Get("general.alignment").AsInt64());
        Assert.Equal(64, file.Tensor("b").Offset);
        var b = await file.ReadTensorAsFloatsAsync(file.Tensor("b"), ct);
        Assert.Equal([9f], b);
    }

    [Fact]
    public void Writer_refuses_data_of_the_wrong_size_and_repeated_names()
    {
        var writer = new GgufWriter().Add("k", "v").AddTensor("t", [4], [1f, 2f, 3f, 4f]);

        Assert.Contains("needs 16 bytes, not 12", Assert.Throws<ArgumentException>(() => writer.AddTensor("u", [4], GgmlType.F32, new byte[12])).Message, StringComparison.Ordinal);
        Assert.Contains("'k' is already set", Assert.Throws<ArgumentException>(() => writer.Add("k", "w")).Message, StringComparison.Ordinal);
        Assert.Contains("'t' is already added", Assert.Throws<ArgumentException>(() => writer.AddTensor("t", [1], [1f])).Message, StringComparison.Ordinal);
        Assert.Contains("not a multiple of its block size 32", Assert.Throws<InvalidDataException>(() => writer.AddTensor("q", [20], GgmlType.Q4_0, new byte[18])).Message, StringComparison.Ordinal);
    }
}
