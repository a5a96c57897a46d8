namespace Sonique.Training.Peft;

/// <summary>
/// The row order of Q and K projections: Hugging Face's llama splits each head's rotary pairs into halves, GGUF
/// (like Meta's checkpoints and llama2.c) interleaves them. This is convert_hf_to_gguf.py's <c>permute</c>:
/// GGUF row h*d + 2j + p is HF row h*d + p*d/2 + j, for head h of size d, pair j, member p.
/// </summary>
public static class LlamaHeadOrder
{
    /// <summary>Rows of a row-major [rows, columns] matrix from HF order into GGUF order.</summary>
    public static float[] HfToGguf(ReadOnlySpan<float> matrix, int rows, int columns, int heads) => Reorder(matrix, rows, columns, heads, toGguf: true);

    /// <summary>The inverse of <see cref="HfToGguf"/>.</summary>
    public static float[] GgufToHf(ReadOnlySpan<float> matrix, int rows, int columns, int heads) => Reorder(matrix, rows, columns, heads, toGguf: false);

    private static float[] Reorder(ReadOnlySpan<float> matrix, int rows, int columns, int heads, bool toGguf)
    {
        if (heads < 1 || rows % heads != 0 || rows / heads % 2 != 0 || matrix.Length != (long)rows * columns)
        {
            throw new ArgumentException($"a [{rows}, {columns}] matrix of {matrix.Length} values cannot be split into {heads} heads of rotary pairs");
        }

        var size = rows / heads;
        var half = size / 2;
        var result = new float[matrix.Length];
        for (var h = 0; h < heads; h++)
        {
            for (var j = 0; j < half; j++)
            {
                for (var p = 0; p < 2; p++)
                {
                    var gguf = (h * size) + (2 * j) + p;
                    var hf = (h * size) + (p * half) + j;
                    var (from, to) = toGguf ? (hf, gguf) : (gguf, hf);
                    matrix.Slice(from * columns, columns).CopyTo(result.AsSpan(to * columns, columns));
                }
            }
        }

        return result;
    }
}
