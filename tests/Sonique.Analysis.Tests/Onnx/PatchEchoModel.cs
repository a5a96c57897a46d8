using Sonique.Analysis.Audio.Onnx;
using Sonique.Tests.Shared.Onnx;

namespace Sonique.Analysis.Tests.Onnx;

/// <summary>
/// A model that gives back the patch it is fed, frame by frame: the input, in any layout, is turned frames-first
/// (Transpose) and flattened (Reshape), so output t * mels + m is the input's frame t, band m. A tagger that lays
/// a patch out other than its layout says, or mixes up the patches of a batch, reads something else.
/// </summary>
internal static class PatchEchoModel
{
    public static string Write(string path, MelLayout layout, int frames, int mels, bool fixedBatch)
    {
        object batch = fixedBatch ? 1 : "batch";
        var (shape, perm) = layout switch
        {
            MelLayout.BatchFramesMels => (new object[] { batch, frames, mels }, (long[]?)null),
            MelLayout.BatchMelsFrames => ([batch, mels, frames], [0, 2, 1]),
            MelLayout.BatchChannelFramesMels => ([batch, 1, frames, mels], null),
            _ => ([batch, 1, mels, frames], [0, 1, 3, 2]),
        };
        var graph = new OnnxGraph("patch-echo").Input("mel", shape).Initializer("flat", [0, -1]);
        if (perm is not null)
        {
            graph.Node("Transpose", ["mel"], "framesFirst", OnnxGraph.Ints("perm", perm));
        }

        graph.Node("Reshape", [perm is null ? "mel" : "framesFirst", "flat"], "activations").Output("activations", batch, frames * mels);
        File.WriteAllBytes(path, graph.ToBytes());
        return path;
    }
}
