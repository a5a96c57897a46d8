namespace Sonique.Training.Ggml;

/// <summary>A ggml tensor of F32 values in CPU memory that the trainer reads and writes.</summary>
public readonly unsafe record struct GgmlTensor(nint Handle, int Length)
{
    public Span<float> Span => new((void*)GgmlNative.ggml_get_data(Handle), Length);
}
