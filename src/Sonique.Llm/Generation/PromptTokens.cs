using System.Text;
using LLama;
using LLama.Native;

namespace Sonique.Llm.Generation;

/// <summary>How prompt text becomes tokens, the same for generation and for training: special tokens parsed, and
/// a BOS added unless the text already starts with one (some chat templates write it).</summary>
public static class PromptTokens
{
    public static LLamaToken[] Of(LLamaWeights model, string prompt)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        return model.NativeHandle.Tokenize(prompt, !StartsWithBos(model, prompt), true, Encoding.UTF8);
    }

    private static bool StartsWithBos(LLamaWeights model, string prompt)
    {
        var vocab = model.NativeHandle.Vocab;
        if (vocab.BOS is not { } bos)
        {
            return false;
        }

        var piece = vocab.LLamaTokenToString(bos, isSpecialToken: true);
        return !string.IsNullOrEmpty(piece) && prompt.StartsWith(piece, StringComparison.Ordinal);
    }
}
