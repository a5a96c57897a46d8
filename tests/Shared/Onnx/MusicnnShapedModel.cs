namespace Sonique.Tests.Shared.Onnx;

/// <summary>
/// A network of the shape and size of Essentia's msd-musicnn-1 (Pons and Serra's musicnn, about 790,000
/// weights), with random weights, for timing: what a real tagger costs per patch. Front end: two timbral
/// convolutions of 204 filters over 7 frames by 38 and 67 mel bands, max-pooled over frequency, and three
/// temporal ones of 51 filters over 128, 64 and 32 frames of the band average; mid end: three 1-D convolutions
/// of 64 filters over 7 frames with residual sums; back end: max and mean over time, 200 units, 50 sigmoid
/// outputs. Batch norms are folded away, as an exported model has them folded.
/// </summary>
internal static class MusicnnShapedModel
{
    public const int Classes = 50;
    private const int Frames = 187;
    private const int Mels = 96;

    public static string Write(string path, int seed = 1)
    {
        var random = new Random(seed);
        var graph = new OnnxGraph("musicnn-shaped")
            .Input("mel", "batch", Frames, Mels)
            .Initializer("image", [0, 1, Frames, Mels])
            .Initializer("squeeze", [0, 0, -1])
            .Node("Reshape", ["mel", "image"], "x");

        // Timbral: [b, 204, 187, 96 - w + 1] max-pooled over bands to [b, 204, 187].
        foreach (var width in new[] { 38, 67 })
        {
            var name = $"timbral{width}";
            Weights(graph, random, name, [204, 1, 7, width]);
            graph.Node("Conv", ["x", name + ".w", name + ".b"], name + ".conv", OnnxGraph.Ints("pads", 3, 0, 3, 0))
                .Node("Relu", [name + ".conv"], name + ".relu")
                .Node("ReduceMax", [name + ".relu"], name, OnnxGraph.Ints("axes", 3), OnnxGraph.Int("keepdims", 0));
        }

        // Temporal: the band average, [b, 1, 187, 1], convolved over time to [b, 51, 187].
        graph.Node("ReduceMean", ["x"], "average", OnnxGraph.Ints("axes", 3), OnnxGraph.Int("keepdims", 1));
        foreach (var length in new[] { 128, 64, 32 })
        {
            var name = $"temporal{length}";
            Weights(graph, random, name, [51, 1, length, 1]);
            graph.Node("Conv", ["average", name + ".w", name + ".b"], name + ".conv", OnnxGraph.Ints("pads", (length / 2) - 1, 0, length / 2, 0))
                .Node("Relu", [name + ".conv"], name + ".relu")
                .Node("Reshape", [name + ".relu", "squeeze"], name);
        }

        graph.Node("Concat", ["timbral38", "timbral67", "temporal128", "temporal64", "temporal32"], "front", OnnxGraph.Int("axis", 1));

        // Mid end: [b, 561, 187] to three [b, 64, 187], each after the first added to the one before.
        var previous = "front";
        var channels = 561;
        var mids = new List<string>();
        for (var layer = 1; layer <= 3; layer++)
        {
            var name = $"mid{layer}";
            Weights(graph, random, name, [64, channels, 7]);
            graph.Node("Conv", [previous, name + ".w", name + ".b"], name + ".conv", OnnxGraph.Ints("pads", 3, 3))
                .Node("Relu", [name + ".conv"], layer == 1 ? name : name + ".relu");
            if (layer > 1)
            {
                graph.Node("Add", [name + ".relu", previous], name);
            }

            mids.Add(name);
            previous = name;
            channels = 64;
        }

        // Back end: max and mean over time of everything above, 1,506 values, to 200 units and 50 activations.
        graph.Node("Concat", ["front", .. mids], "features", OnnxGraph.Int("axis", 1))
            .Node("ReduceMax", ["features"], "peak", OnnxGraph.Ints("axes", 2), OnnxGraph.Int("keepdims", 0))
            .Node("ReduceMean", ["features"], "mean", OnnxGraph.Ints("axes", 2), OnnxGraph.Int("keepdims", 0))
            .Node("Concat", ["peak", "mean"], "pooled", OnnxGraph.Int("axis", 1));
        Weights(graph, random, "dense", [1506, 200]);
        Weights(graph, random, "output", [200, Classes]);
        graph.Node("MatMul", ["pooled", "dense.w"], "dense.product")
            .Node("Add", ["dense.product", "dense.b"], "dense.sum")
            .Node("Relu", ["dense.sum"], "dense")
            .Node("MatMul", ["dense", "output.w"], "output.product")
            .Node("Add", ["output.product", "output.b"], "logits")
            .Node("Sigmoid", ["logits"], "activations")
            .Output("activations", "batch", Classes);
        File.WriteAllBytes(path, graph.ToBytes());
        return path;
    }

    /// <summary>Weights scaled to the fan-in, as a trained network's roughly are, and a bias per output.</summary>
    private static void Weights(OnnxGraph graph, Random random, string name, long[] shape)
    {
        var count = (int)shape.Aggregate(1L, (product, d) => product * d);
        var outputs = shape.Length == 2 ? shape[1] : shape[0];
        var fanIn = count / outputs;
        var scale = (float)Math.Sqrt(2.0 / fanIn);
        graph.Initializer(name + ".w", shape, [.. Enumerable.Range(0, count).Select(_ => ((float)random.NextDouble() - 0.5f) * 2 * scale)]);
        graph.Initializer(name + ".b", [outputs], [.. Enumerable.Range(0, (int)outputs).Select(_ => 0.01f)]);
    }
}
