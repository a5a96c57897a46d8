namespace Sonique.Llm.Lora;

/// <summary>
/// The low-rank update of one weight matrix W [out, in]: W' = W + (alpha / rank) * B A, with A [rank, in] and
/// B [out, rank], both row-major as PyTorch and peft keep them. <see cref="Target"/> is the GGUF name of W,
/// such as "blk.0.attn_q.weight".
/// </summary>
public sealed record LoraMatrices(string Target, int InputSize, int OutputSize, int Rank, float[] A, float[] B)
{
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Target);
        ArgumentOutOfRangeException.ThrowIfLessThan(Rank, 1);
        if (A.Length != (long)Rank * InputSize || B.Length != (long)OutputSize * Rank)
        {
            throw new ArgumentException(
                $"LoRA for '{Target}' of rank {Rank} on a [{OutputSize}, {InputSize}] weight needs A of {Rank * InputSize} and B of {OutputSize * Rank} values, not {A.Length} and {B.Length}");
        }
    }
}
