namespace Sonique.Analysis.Tests.Onnx;

/// <summary>
/// A tagging model whose answers are known, written as ONNX protobuf bytes: the mel patch is averaged over its
/// frames (ReduceMean), each class sums one equal group of consecutive mel bands (MatMul with a 0/1 weight
/// initializer), a bias is added and a sigmoid gives the activation. A tone therefore lights exactly the class
/// whose band group holds its frequency: near 1 for that class, sigmoid(bias) for the rest.
/// </summary>
internal sealed record BandGroupModel
{
    private const int FloatType = 1;
    private const int IntType = 2;
    private const int IntsType = 7;

    /// <summary>The input's dims: a string is a symbolic dim (dim_param), an int a fixed one (dim_value).</summary>
    public required object[] InputShape { get; init; }

    /// <summary>The axes averaged away, leaving [batch, mels].</summary>
    public required long[] FrameAxes { get; init; }

    public int Mels { get; init; } = 96;

    public int Classes { get; init; } = 3;

    /// <summary>Each band's weight in its class's sum.</summary>
    public float Weight { get; init; } = 1;

    public float Bias { get; init; } = -3;

    /// <summary>False leaves the logits, for a tagger told to apply its own activation.</summary>
    public bool Sigmoid { get; init; } = true;

    /// <summary>Also gives the pooled mel bands as a second output, "pooled", as a model with an embedding
    /// output beside its activations does.</summary>
    public bool PooledOutput { get; init; }

    /// <summary>The [batch, frames, mels] model with any batch and any frame count.</summary>
    public static BandGroupModel FramesByMels() => new() { InputShape = ["batch", "frames", 96], FrameAxes = [1] };

    public string WriteTo(string folder, string name = "tagger.onnx")
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    public byte[] ToBytes()
    {
        var weights = new float[Mels * Classes];
        for (var band = 0; band < Mels; band++)
        {
            weights[(band * Classes) + (band * Classes / Mels)] = Weight;
        }

        var logits = Sigmoid ? "biased" : "activations";
        return new ProtoWriter()
            .Int(1, 8)
            .String(2, "sonique-tests")
            .Message(8, opset => opset.String(1, string.Empty).Int(2, 17))
            .Message(7, graph =>
            {
                graph.Message(1, node => Node(node, "ReduceMean", ["mel"], ["pooled"])
                    .Message(5, a => a.String(1, "keepdims").Int(3, 0).Int(20, IntType))
                    .Message(5, a => Ints(a.String(1, "axes"), FrameAxes).Int(20, IntsType)));
                graph.Message(1, node => Node(node, "MatMul", ["pooled", "weights"], ["scores"]));
                graph.Message(1, node => Node(node, "Add", ["scores", "bias"], [logits]));
                if (Sigmoid)
                {
                    graph.Message(1, node => Node(node, "Sigmoid", ["biased"], ["activations"]));
                }

                graph.String(2, "band-groups");
                graph.Message(5, t => Tensor(t, "weights", [Mels, Classes], weights));
                graph.Message(5, t => Tensor(t, "bias", [Classes], [.. Enumerable.Repeat(Bias, Classes)]));
                graph.Message(11, v => Value(v, "mel", InputShape));
                graph.Message(12, v => Value(v, "activations", [InputShape[0], Classes]));
                if (PooledOutput)
                {
                    graph.Message(12, v => Value(v, "pooled", [InputShape[0], Mels]));
                }
            })
            .ToArray();
    }

    private static ProtoWriter Node(ProtoWriter node, string op, string[] inputs, string[] outputs)
    {
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        return node.String(3, op.ToUpperInvariant()).String(4, op);
    }

    private static ProtoWriter Ints(ProtoWriter attribute, long[] values)
    {
        foreach (var value in values)
        {
            attribute.Int(8, value);
        }

        return attribute;
    }

    private static void Tensor(ProtoWriter tensor, string name, long[] dims, float[] values)
    {
        foreach (var dim in dims)
        {
            tensor.Int(1, dim);
        }

        tensor.Int(2, FloatType).String(8, name).Bytes(9, ProtoWriter.LittleEndian(values));
    }

    private static void Value(ProtoWriter value, string name, object[] shape) =>
        value.String(1, name).Message(2, type => type.Message(1, tensor => tensor
            .Int(1, FloatType)
            .Message(2, s =>
            {
                foreach (var dim in shape)
                {
                    s.Message(1, d => _ = dim is string symbol ? d.String(2, symbol) : d.Int(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture)));
                }
            })));
}
