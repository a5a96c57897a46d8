using System.Globalization;

namespace Sonique.Analysis.Audio.Onnx;

/// <summary>
/// What the tagger and a loaded model agree on: which input takes the mel patches and in what layout, how
/// many patches go in at once, and which output scores how many classes. Checked once, on the model file's
/// declared signature before ONNX Runtime loads it, against the front end and the labels, so a mismatch stops
/// the stage before any clip is tagged.
/// </summary>
internal sealed class ModelContract
{
    private readonly MelLayout _layout;
    private readonly int _frames;
    private readonly int _mels;

    private ModelContract(string inputName, string outputName, int? batch, MelLayout layout, int frames, int mels)
    {
        InputName = inputName;
        OutputName = outputName;
        FixedBatch = batch;
        _layout = layout;
        _frames = frames;
        _mels = mels;
    }

    public string InputName { get; }

    public string OutputName { get; }

    /// <summary>The batch size the model is fixed to, or null when it takes any.</summary>
    public int? FixedBatch { get; }

    public static ModelContract Check(OnnxModelSignature signature, OnnxTaggerOptions options, TagLabels labels)
    {
        var model = options.ModelPath;
        var input = Pick(signature.Inputs, options.InputName, "input", nameof(options.InputName), model);
        var output = options.OutputName is null && signature.Outputs.Count > 1 && signature.Outputs.Count(o => Width(o) == labels.Count) == 1
            ? signature.Outputs.Single(o => Width(o) == labels.Count)
            : Pick(signature.Outputs, options.OutputName, "output", nameof(options.OutputName), model);
        var (inputName, outputName) = (input.Name, output.Name);
        var frames = options.FrontEnd.PatchFrames;
        var mels = options.FrontEnd.MelBands;

        var expected = Expected(options.Layout, frames, mels);
        var dims = input.Dims ?? [];
        var fits = input.IsFloatTensor && dims.Length == expected.Length;
        for (var i = 1; fits && i < dims.Length; i++)
        {
            fits = !dims[i].IsFixed || dims[i].Value == expected[i];
        }

        if (!fits)
        {
            throw new OnnxTaggerLoadException(
                $"The model '{model}' takes {Describe(input)} as input '{inputName}', but the tagger feeds a Float tensor {Shape(expected)} " +
                $"(layout {options.Layout}: patches of {frames} frames of {mels} mel bands). Set the layout and the front end's " +
                "patch frames and mel bands to what the model was trained on.");
        }

        if (!output.IsFloatTensor || output.Dims is not { Length: >= 2 })
        {
            throw new OnnxTaggerLoadException(
                $"The model '{model}' gives {Describe(output)} as output '{outputName}'; the tagger needs a Float tensor [batch, classes].");
        }

        var width = Width(output);
        if (width > 0 && width != labels.Count)
        {
            throw WidthMismatch(model, outputName, width, labels);
        }

        return new ModelContract(inputName, outputName, dims[0].IsFixed ? (int)dims[0].Value : null, options.Layout, frames, mels);
    }

    public static OnnxTaggerLoadException WidthMismatch(string model, string outputName, long width, TagLabels labels) =>
        new($"The model '{model}' scores {width} classes (output '{outputName}') but the labels file '{labels.Source}' names {labels.Count}: " +
            "the labels must be the model's own, one per class in output order.");

    /// <summary>The input tensor for <paramref name="count"/> patches from <paramref name="from"/>; a model of
    /// fixed batch size gets silent patches after them to fill the batch.</summary>
    public (float[] Data, long[] Shape) Pack(IReadOnlyList<float[][]> patches, int from, int count)
    {
        var batch = FixedBatch ?? count;
        var size = _frames * _mels;
        var data = new float[batch * size];
        var melsFirst = _layout is MelLayout.BatchMelsFrames or MelLayout.BatchChannelMelsFrames;
        for (var p = 0; p < count; p++)
        {
            var patch = patches[from + p];
            var offset = p * size;
            for (var t = 0; t < _frames; t++)
            {
                for (var m = 0; m < _mels; m++)
                {
                    data[offset + (melsFirst ? (m * _frames) + t : (t * _mels) + m)] = patch[t][m];
                }
            }
        }

        var shape = Expected(_layout, _frames, _mels).Select(d => (long)d).ToArray();
        shape[0] = batch;
        return (data, shape);
    }

    /// <summary>The input shape each layout means; the batch axis is 0, as the model may leave it open.</summary>
    private static int[] Expected(MelLayout layout, int frames, int mels) => layout switch
    {
        MelLayout.BatchFramesMels => [0, frames, mels],
        MelLayout.BatchMelsFrames => [0, mels, frames],
        MelLayout.BatchChannelFramesMels => [0, 1, frames, mels],
        MelLayout.BatchChannelMelsFrames => [0, 1, mels, frames],
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "unknown layout"),
    };

    /// <summary>The classes an output scores: its fixed size past the batch axis, or -1 when that is open.</summary>
    private static long Width(OnnxValueInfo output) =>
        output.IsFloatTensor && output.Dims is { Length: >= 2 } dims
            ? dims[1..].Aggregate(1L, (product, d) => d.IsFixed && product > 0 ? product * d.Value : -1)
            : -1;

    private static OnnxValueInfo Pick(IReadOnlyList<OnnxValueInfo> values, string? wanted, string kind, string setting, string model)
    {
        var names = string.Join(", ", values.Select(v => $"'{v.Name}'"));
        if (wanted is not null)
        {
            return values.FirstOrDefault(v => v.Name == wanted)
                ?? throw new OnnxTaggerLoadException($"The model '{model}' has no {kind} '{wanted}'; its {kind}s are {names}.");
        }

        return values.Count == 1
            ? values[0]
            : throw new OnnxTaggerLoadException(
                $"The model '{model}' has {values.Count} {kind}s ({names}){(kind == "output" ? ", not exactly one of them scoring as many classes as the labels name" : "")}; " +
                $"set {setting} to the one the tagger should use.");
    }

    private static string Describe(OnnxValueInfo value)
    {
        if (value.Kind != OnnxValueKind.Tensor)
        {
            return "a value that is not a tensor";
        }

        if (value.Dims is null)
        {
            return $"a {value.ElementType} tensor of no declared shape";
        }

        var dims = value.Dims.Select(d => d.IsFixed ? d.Value.ToString(CultureInfo.InvariantCulture) : d.Param ?? "?");
        return $"a {value.ElementType} tensor [{string.Join(", ", dims)}]";
    }

    private static string Shape(int[] expected) =>
        $"[{string.Join(", ", expected.Select(d => d == 0 ? "batch" : d.ToString(CultureInfo.InvariantCulture)))}]";
}
