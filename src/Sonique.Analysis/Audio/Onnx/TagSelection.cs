namespace Sonique.Analysis.Audio.Onnx;

/// <summary>Which classes become tags: those at or above the threshold (when set), strongest first, at most
/// top-k (when set) and at most what the tag cap leaves beside the tempo.</summary>
internal static class TagSelection
{
    public static IEnumerable<int> Pick(float[] activations, OnnxTaggerOptions options)
    {
        var limit = Math.Min(options.TopK ?? int.MaxValue, AudioTags.BesideTempo(options.MaxTags));
        var threshold = options.Threshold ?? double.NegativeInfinity;
        return Ranked(activations).Where(i => activations[i] >= threshold).Take(limit);
    }

    /// <summary>Class indices, strongest first; ties keep output order and NaN comes last.</summary>
    public static int[] Ranked(float[] activations)
    {
        var order = Enumerable.Range(0, activations.Length).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var byScore = activations[b].CompareTo(activations[a]);
            return byScore != 0 ? byScore : a.CompareTo(b);
        });
        return order;
    }
}
