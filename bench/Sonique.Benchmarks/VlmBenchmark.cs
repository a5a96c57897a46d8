using System.Diagnostics;
using System.Globalization;
using Sonique.Analysis.Video.Vlm;
using Sonique.Gguf;
using Sonique.Media;
using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Models;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// DescribeVideo's VLM backend on models of real shapes with random weights (F16, written here), through
/// <see cref="VlmDescriber"/> itself and its own timings: per clip, the seconds to sample 8 frames (ffmpeg) and to
/// read them (the projector encodes each, the language model evaluates the image tokens and the prompt), and the
/// tokens per second of generation after them. Reading is measured on fewer frames and scaled per frame (each frame
/// is encoded alone and its tokens cost the same). The LLaVA-7B-sized language model is measured with 1 and 2 of its 32
/// layers and extrapolated (every layer costs the same); its ViT-L/14 runs 2 of its 23 blocks, the other 21 estimated
/// from the measured text layer by their share of the floating-point work. The thread count and flash attention are
/// measured on the SmolVLM-256M-sized pair, which is whole.
/// </summary>
internal static class VlmBenchmark
{
    private const int GeneratedTokens = 9;
    private const int ClipFrames = 8;
    private const int Rounds = 5;

    public static async Task<string> RunAsync(string scratch, bool quick, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratch);
        var ffmpeg = new Ffmpeg();
        var clip = TestMedia.Write(Path.Combine(scratch, "clip.mp4"), 16, audio: false, size: "640x360", rate: 24);
        var threads = Environment.ProcessorCount;
        var rows = new List<IReadOnlyList<string>>();
        var sampler = new UniformFrameSampler(ffmpeg);
        var sampling = await SamplingSecondsAsync(sampler, clip, LlavaShape.SmolVlm256M.ImageSize, cancellationToken);
        var largeSampling = await SamplingSecondsAsync(sampler, clip, LlavaShape.Llava7B.ImageSize, cancellationToken);

        const int frames = 2;
        Progress.Say("writing the SmolVLM-256M-sized pair (30 layers of 576, ViT of SigLIP-B's size)");
        var small = await WritePairAsync(scratch, "smolvlm", LlavaShape.SmolVlm256M, layers: null, cancellationToken);
        var untunedThreads = Math.Max(1, threads / 2);
        (string Name, Func<VlmOptions, VlmOptions> Tune)[] tunings =
        [
            (Invariant($"SmolVLM-256M-sized (whole), defaults: {threads} threads, flash attention off"), o => o),
            ("the same with flash attention on", o => o with { FlashAttention = true }),
            (Invariant($"the same with flash attention left to llama.cpp and {untunedThreads} thread(s), as LLamaSharp's defaults give"), o => o with { FlashAttention = null, Threads = untunedThreads }),
        ];
        var describers = new List<VlmDescriber>();
        try
        {
            foreach (var (_, tune) in tunings)
            {
                describers.Add(await VlmDescriber.LoadAsync(tune(Options(small, frames)), ffmpeg, cancellationToken));
            }

            // One untimed warm-up each, then rounds in which they take turns; the fastest of each counts, so the
            // machine's noise falls on all alike.
            var best = await BestOfTurnsAsync(describers, clip, Rounds, cancellationToken);
            for (var i = 0; i < tunings.Length; i++)
            {
                rows.Add(Row(tunings[i].Name, LlavaShape.SmolVlm256M, sampling, best[i].ReadingPerFrame, best[i].SecondsPerToken));
            }
        }
        finally
        {
            describers.ForEach(d => d.Dispose());
        }

        Delete(small);
        if (quick)
        {
            return Render(threads, frames, rows);
        }

        var large = LlavaShape.Llava7B with { VisionLayers = 2 };
        var measured = new Dictionary<int, (double ReadingPerFrame, double SecondsPerToken)>();
        foreach (var layers in new[] { 1, 2 })
        {
            Progress.Say($"writing the LLaVA-7B-sized pair with {layers} of 32 layers and 2 of the ViT's 23 blocks");
            var pair = await WritePairAsync(scratch, $"llava{layers}", large, layers, cancellationToken);
            measured[layers] = await MeasureAsync(pair, ffmpeg, clip, 1, o => o, cancellationToken);
            rows.Add(Row(Invariant($"LLaVA-7B-sized, {layers} of 32 layers, 2 of 23 ViT blocks"), large, largeSampling, measured[layers].ReadingPerFrame, measured[layers].SecondsPerToken));
            Delete(pair);
        }

        var layerReading = measured[2].ReadingPerFrame - measured[1].ReadingPerFrame;
        var layerToken = measured[2].SecondsPerToken - measured[1].SecondsPerToken;
        var vitBlockShare = VitBlockFlops(LlavaShape.Llava7B) / TextLayerFlops(LlavaShape.Llava7B);
        var wholeReading = measured[1].ReadingPerFrame + (31 * layerReading) + (21 * vitBlockShare * layerReading);
        var wholeToken = measured[1].SecondsPerToken + (31 * layerToken);
        rows.Add(Row(
            Invariant($"LLaVA-7B-sized, whole (**estimated**: + 31 x the second layer's cost, + 21 ViT blocks at {vitBlockShare:F3} of a layer's work each)"),
            LlavaShape.Llava7B, largeSampling, wholeReading, wholeToken));

        return Render(threads, frames, rows);
    }

    private static string Render(int threads, int frames, List<IReadOnlyList<string>> rows) =>
        "## VLM: DescribeVideo's vision-language backend on models of real shapes\n\n"
            + Invariant($"Random weights in F16 (a Q4_K_M or Q8_0 file computes faster per weight on CPU), {threads} threads unless said; a 16 s 640x360 clip. ")
            + Invariant($"Reading measured on {frames} frame(s) (LLaVA: 1) and scaled to {ClipFrames}; generation over {GeneratedTokens} new tokens. The SmolVLM-sized rows are the best of {Rounds} rounds taking turns after a warm-up; the LLaVA-sized ones one run each. ")
            + "\"Embed\" is everything before the first new token: sampling the frames with ffmpeg, encoding each with the projector, the language model reading the image tokens and the prompt.\n\n"
            + Table(["model", "image tokens per clip", "embed 8 frames, s", "generation tokens/s", "a clip of 512 new tokens (the original's limit), s"], rows) + "\n";

    /// <summary>Multiply-adds of one ViT block on one frame: the four projections and the MLP per patch, and attention.</summary>
    private static double VitBlockFlops(LlavaShape shape)
    {
        double tokens = shape.Patches + 1, width = shape.VisionDimension;
        return tokens * ((4 * width * width) + (2 * width * shape.VisionFeedForward)) + (2 * tokens * tokens * width);
    }

    /// <summary>Multiply-adds of one language-model layer over one frame's image tokens.</summary>
    private static double TextLayerFlops(LlavaShape shape)
    {
        double tokens = shape.Patches, width = shape.TextDimension;
        return tokens * ((4 * width * width) + (3 * width * shape.TextFeedForward)) + (2 * tokens * tokens * width);
    }

    private static async Task<double> SamplingSecondsAsync(UniformFrameSampler sampler, string clip, int size, CancellationToken cancellationToken)
    {
        await sampler.SampleAsync(clip, ClipFrames, size, cancellationToken);
        var clock = Stopwatch.StartNew();
        await sampler.SampleAsync(clip, ClipFrames, size, cancellationToken);
        return clock.Elapsed.TotalSeconds;
    }

    private static IReadOnlyList<string> Row(string name, LlavaShape shape, double sampling, double readingPerFrame, double secondsPerToken)
    {
        var embed = sampling + (ClipFrames * readingPerFrame);
        return
        [
            name,
            Invariant($"{ClipFrames} x {shape.Patches}"),
            Number(embed, "F1"),
            Number(1 / secondsPerToken, "F1"),
            Number(embed + (512 * secondsPerToken), "F0"),
        ];
    }

    private static async Task<(string Model, string Projector)> WritePairAsync(string scratch, string name, LlavaShape shape, int? layers, CancellationToken cancellationToken)
    {
        var model = await LlavaPair.WriteLanguageModelAsync(Path.Combine(scratch, name + ".gguf"), shape, seed: 1, cancellationToken, layers, GgmlType.F16);
        var projector = await LlavaPair.WriteProjectorAsync(Path.Combine(scratch, name + "-mmproj.gguf"), shape, seed: 2, cancellationToken);
        return (model, projector);
    }

    private static void Delete((string Model, string Projector) pair)
    {
        File.Delete(pair.Model);
        File.Delete(pair.Projector);
    }

    private static VlmOptions Options((string Model, string Projector) pair, int frames) =>
        new() { ModelPath = pair.Model, ProjectorPath = pair.Projector, Frames = frames, ContextSize = 4096, MaxTokens = GeneratedTokens };

    /// <summary>One description: reading per frame, and seconds per generated token.</summary>
    private static async Task<(double ReadingPerFrame, double SecondsPerToken)> MeasureAsync(
        (string Model, string Projector) pair, Ffmpeg ffmpeg, string clip, int frames, Func<VlmOptions, VlmOptions> tune, CancellationToken cancellationToken)
    {
        using var describer = await VlmDescriber.LoadAsync(tune(Options(pair, frames)), ffmpeg, cancellationToken);
        return await TimeAsync(describer, clip, cancellationToken);
    }

    private static async Task<(double ReadingPerFrame, double SecondsPerToken)[]> BestOfTurnsAsync(
        List<VlmDescriber> describers, string clip, int rounds, CancellationToken cancellationToken)
    {
        foreach (var describer in describers)
        {
            await describer.DescribeAsync(clip, cancellationToken);
        }

        var best = describers.Select(_ => (ReadingPerFrame: double.MaxValue, SecondsPerToken: double.MaxValue)).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < describers.Count; i++)
            {
                var (reading, token) = await TimeAsync(describers[i], clip, cancellationToken);
                best[i] = (Math.Min(best[i].ReadingPerFrame, reading), Math.Min(best[i].SecondsPerToken, token));
            }
        }

        return best;
    }

    private static async Task<(double ReadingPerFrame, double SecondsPerToken)> TimeAsync(VlmDescriber describer, string clip, CancellationToken cancellationToken)
    {
        var description = await describer.DescribeAsync(clip, cancellationToken);
        var frames = int.Parse(description.Details["frames"], CultureInfo.InvariantCulture);
        var timings = describer.LastTimings!;
        Progress.Say(Invariant($"  read {frames} frame(s) in {timings.Reading.TotalSeconds:F2} s, {timings.Tokens} token(s) in {timings.Generating.TotalSeconds:F2} s"));
        return (timings.Reading.TotalSeconds / frames, timings.Generating.TotalSeconds / Math.Max(1, timings.Tokens));
    }
}
