using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Sonique.Llm.Llama2c;

/// <summary>
/// A llama2.c <c>tokenizer.bin</c>: a SentencePiece vocabulary with its scores, exported with '▁' turned into a space
/// and BOS/EOS written as "\n&lt;s&gt;\n" and "\n&lt;/s&gt;\n". <see cref="Pieces"/> undoes both, giving the pieces
/// SentencePiece (and llama.cpp's SPM tokenizer) know.
/// </summary>
public sealed class Llama2cVocabulary
{
    public const int UnknownId = 0;
    public const int BeginId = 1;
    public const int EndId = 2;

    /// <summary>Llama's SentencePiece vocabulary puts its 256 byte-fallback tokens right after the three specials.</summary>
    private const int FirstByteId = 3;

    private Llama2cVocabulary(IReadOnlyList<string> pieces, IReadOnlyList<float> scores, IReadOnlyList<TokenKind> kinds)
    {
        Pieces = pieces;
        Scores = scores;
        Kinds = kinds;
    }

    /// <summary>llama.cpp's token types (<c>llama_token_type</c>), as GGUF's <c>tokenizer.ggml.token_type</c> stores them.</summary>
    public enum TokenKind
    {
        Normal = 1,
        Unknown = 2,
        Control = 3,
        Byte = 6,
    }

    public IReadOnlyList<string> Pieces { get; }

    public IReadOnlyList<float> Scores { get; }

    public IReadOnlyList<TokenKind> Kinds { get; }

    public static Llama2cVocabulary Read(ReadOnlySpan<byte> file, int vocabularySize)
    {
        var pieces = new string[vocabularySize];
        var scores = new float[vocabularySize];
        var kinds = new TokenKind[vocabularySize];
        var position = 4; // max_token_length, which only sized llama2.c's own buffers
        for (var id = 0; id < vocabularySize; id++)
        {
            if (file.Length - position < 8)
            {
                throw new InvalidDataException($"the llama2.c tokenizer ends at token {id} of {vocabularySize}");
            }

            scores[id] = BinaryPrimitives.ReadSingleLittleEndian(file[position..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(file[(position + 4)..]);
            position += 8;
            if (length < 0 || length > file.Length - position)
            {
                throw new InvalidDataException($"the llama2.c tokenizer's token {id} claims {length} bytes, past the end of the file");
            }

            var text = Encoding.UTF8.GetString(file.Slice(position, length));
            position += length;
            (pieces[id], kinds[id]) = id switch
            {
                UnknownId => ("<unk>", TokenKind.Unknown),
                BeginId => ("<s>", TokenKind.Control),
                EndId => ("</s>", TokenKind.Control),
                _ when IsByteToken(text) => (text, TokenKind.Byte),
                _ when IsRawByteToken(id, text) => (string.Create(CultureInfo.InvariantCulture, $"<0x{id - FirstByteId:X2}>"), TokenKind.Byte),
                _ => (text.Replace(' ', '\u2581'), TokenKind.Normal),
            };
        }

        if (position != file.Length)
        {
            throw new InvalidDataException($"the llama2.c tokenizer has {file.Length - position} bytes after its {vocabularySize} tokens: it is for another vocabulary size");
        }

        return new Llama2cVocabulary(pieces, scores, kinds);
    }

    /// <summary>Older exports (stories15M's among them) store byte-fallback token <c>3 + b</c> as the character
    /// U+00bb instead of SentencePiece's "&lt;0xBB&gt;"; llama.cpp needs the latter, and unique pieces.</summary>
    private static bool IsRawByteToken(int id, string text) =>
        id >= FirstByteId && id < FirstByteId + 256 && text.Length == 1 && text[0] == id - FirstByteId;

    /// <summary>SentencePiece's byte-fallback pieces, "&lt;0x0A&gt;".</summary>
    private static bool IsByteToken(string text) =>
        text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>' && Uri.IsHexDigit(text[3]) && Uri.IsHexDigit(text[4]);
}
