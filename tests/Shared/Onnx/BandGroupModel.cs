namespace Sonique.Tests.Shared.Onnx;

/// <summary>
/// A tagging model with the contract of Essentia's musicnn taggers (mel patches in, one sigmoid activation per
/// label out) whose answers are known: the patch is averaged over its frames (ReduceMean), each class sums one
/// equal group of consecutive mel bands (MatMul with a 0/1 weight), a bias is added and a sigmoid gives the
/// activation. A tone therefore lights exactly the class whose band group holds its frequency: near 1 for that
/// class, sigmoid(bias) for the rest.
/// </summary>
internal sealed record BandGroupModel
{
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

    /// <summary>Essentia's musicnn input exactly: [batch, 187, 96].</summary>
    public static BandGroupModel Musicnn(int classes = 3) => new() { InputShape = ["batch", 187, 96], FrameAxes = [1], Classes = classes };

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
        var graph = new OnnxGraph("band-groups")
            .Input("mel", InputShape)
            .Initializer("weights", [Mels, Classes], weights)
            .Initializer("bias", [Classes], [.. Enumerable.Repeat(Bias, Classes)])
            .Node("ReduceMean", ["mel"], "pooled", OnnxGraph.Int("keepdims", 0), OnnxGraph.Ints("axes", FrameAxes))
            .Node("MatMul", ["pooled", "weights"], "scores")
            .Node("Add", ["scores", "bias"], logits);
        if (Sigmoid)
        {
            graph.Node("Sigmoid", ["biased"], "activations");
        }

        graph.Output("activations", InputShape[0], Classes);
        if (PooledOutput)
        {
            graph.Output("pooled", InputShape[0], Mels);
        }

        return graph.ToBytes();
    }
}
