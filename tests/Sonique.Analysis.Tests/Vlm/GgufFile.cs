using System.Text;

namespace Sonique.Analysis.Tests.Vlm;

/// <summary>
/// Writes GGUF v3 headers with no tensors, the way llama.cpp's converters lay them out, so the loading code meets
/// real GGUF files: a name, a tokenizer vocabulary (a string array), a number, then <c>general.architecture</c>
/// last, so a reader has to skip every kind of value to find it.
/// </summary>
internal static class GgufFile
{
    public static string Write(string path, string? architecture, int vocabulary = 3)
    {
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write(0UL);
        writer.Write(architecture is null ? 3UL : 4UL);

        Key(writer, "general.name");
        writer.Write(8u);
        Text(writer, "test model");

        Key(writer, "tokenizer.ggml.tokens");
        writer.Write(9u);
        writer.Write(8u);
        writer.Write((ulong)vocabulary);
        for (var i = 0; i < vocabulary; i++)
        {
            Text(writer, $"token{i}");
        }

        Key(writer, $"{architecture ?? "llama"}.block_count");
        writer.Write(4u);
        writer.Write(1u);

        if (architecture is not null)
        {
            Key(writer, "general.architecture");
            writer.Write(8u);
            Text(writer, architecture);
        }

        return path;
    }

    private static void Key(BinaryWriter writer, string key) => Text(writer, key);

    private static void Text(BinaryWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }
}
