namespace Sonique.Gguf;

/// <summary>
/// A tensor's entry in the header. <see cref="Dimensions"/> are in ggml's order, innermost first: a PyTorch weight
/// of shape [out, in] is [in, out] here. <see cref="Offset"/> counts from the start of the data section.
/// </summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, long Offset)
{
    public long ElementCount => Dimensions.Aggregate(1L, (n, d) => checked(n * d));

    public long ByteCount => GgmlTypeLayout.ByteCount(Type, Dimensions);
}
