using System.Globalization;
using Sonique.Gguf;
using Sonique.Llm.BaseModels;
using Sonique.Llm.Llama2c;
using Sonique.Llm.Packages;

namespace Sonique.Tests.Shared.Models;

/// <summary>
/// The shapes of a LLaVA-style pair: a <c>llama</c> language model and a CLIP ViT projector (mmproj) with LLaVA's
/// two-layer MLP, whose output is the language model's embedding.
/// </summary>
internal sealed record LlavaShape
{
    /// <summary>A pair small enough for tests: 2 text layers of 64, a 2-block ViT over 32x32 pixels in 8x8 patches
    /// (16 patches, so 16 image tokens a frame).</summary>
    public static LlavaShape Tiny { get; } = new();

    /// <summary>LLaVA-1.5-7B: Llama-2-7B behind CLIP ViT-L/14 at 336 pixels (23 of its 24 blocks, as LLaVA reads the
    /// second-to-last), 576 image tokens a frame.</summary>
    public static LlavaShape Llava7B { get; } = new()
    {
        TextDimension = 4096,
        TextLayers = 32,
        TextHeads = 32,
        TextKvHeads = 32,
        TextFeedForward = 11008,
        ContextLength = 4096,
        VisionDimension = 1024,
        VisionLayers = 23,
        VisionHeads = 16,
        VisionFeedForward = 4096,
        ImageSize = 336,
        PatchSize = 14,
        ProjectorHidden = 4096,
    };

    /// <summary>SmolVLM-256M's language model (SmolLM2-135M's shape: 30 layers of 576, grouped-query attention) behind
    /// a ViT of SigLIP-B/16's width and depth. SmolVLM's own projector folds 1,024 patches into 64 tokens; this MLP
    /// projector keeps a 128-pixel image's 64 patches, so the language model reads the same 64 tokens a frame.</summary>
    public static LlavaShape SmolVlm256M { get; } = new()
    {
        TextDimension = 576,
        TextLayers = 30,
        TextHeads = 9,
        TextKvHeads = 3,
        TextFeedForward = 1536,
        ContextLength = 8192,
        VisionDimension = 768,
        VisionLayers = 12,
        VisionHeads = 12,
        VisionFeedForward = 3072,
        ImageSize = 128,
        PatchSize = 16,
        ProjectorHidden = 576,
    };

    public int TextDimension { get; init; } = 64;

    public int TextLayers { get; init; } = 2;

    public int TextHeads { get; init; } = 4;

    public int TextKvHeads { get; init; } = 4;

    public int TextFeedForward { get; init; } = 172;

    public int ContextLength { get; init; } = 2048;

    public int VisionDimension { get; init; } = 48;

    public int VisionLayers { get; init; } = 2;

    public int VisionHeads { get; init; } = 4;

    public int VisionFeedForward { get; init; } = 96;

    public int ImageSize { get; init; } = 32;

    public int PatchSize { get; init; } = 8;

    public int ProjectorHidden { get; init; } = 64;

    /// <summary>The projector's output size: the language model's embedding, unless a test wants them apart.</summary>
    public int? ProjectorOutput { get; init; }

    public int Patches => (ImageSize / PatchSize) * (ImageSize / PatchSize);
}

/// <summary>
/// Writes a LLaVA-style model pair with random weights in the real formats, as llama.cpp's converters lay them out: the
/// language model through <see cref="Llama2cToGguf.Header"/> with Llama 2's real SentencePiece vocabulary (from the
/// stories15M package), the projector under the tensor names and <c>clip.*</c> keys that the multimodal loader of the
/// llama.cpp LLamaSharp bundles reads (tools/mtmd/clip-impl.h: <c>v.patch_embd.weight</c>, <c>v.blk.N.attn_q</c>,
/// <c>mm.0</c>/<c>mm.2</c>, <c>clip.vision.image_size</c>, ...). The same seed writes the same bytes.
/// </summary>
internal static class LlavaPair
{
    private const float LayerNormEpsilon = 1e-5f;

    /// <summary>CLIP's pixel normalisation (OpenAI's mean and deviation), which LLaVA's preprocessor uses.</summary>
    private static readonly float[] ImageMean = [0.48145466f, 0.4578275f, 0.40821073f];
    private static readonly float[] ImageStd = [0.26862954f, 0.26130258f, 0.27577711f];

    private static readonly SemaphoreSlim VocabularyGate = new(1, 1);
    private static Llama2cVocabulary? _vocabulary;

    /// <summary>Llama 2's tokenizer, fetched once per process (the tarball is kept between runs).</summary>
    public static async Task<Llama2cVocabulary> VocabularyAsync(CancellationToken cancellationToken)
    {
        await VocabularyGate.WaitAsync(cancellationToken);
        try
        {
            if (_vocabulary is null)
            {
                using var http = new HttpClient();
                _vocabulary = await Stories15M.ReadVocabularyAsync(new NpmRegistry(http, NpmRegistry.Default), Path.Combine(TempFolder.Parent, "downloads"), cancellationToken);
            }

            return _vocabulary;
        }
        finally
        {
            VocabularyGate.Release();
        }
    }

    /// <summary>The language model: <paramref name="layers"/> of the shape's blocks (all of them when null).</summary>
    public static async Task<string> WriteLanguageModelAsync(string path, LlavaShape shape, int seed, CancellationToken cancellationToken, int? layers = null, GgmlType type = GgmlType.F32)
    {
        var vocabulary = await VocabularyAsync(cancellationToken);
        var config = new Llama2cConfig(
            shape.TextDimension, shape.TextFeedForward, layers ?? shape.TextLayers, shape.TextHeads, shape.TextKvHeads,
            vocabulary.Pieces.Count, shape.ContextLength, SharedClassifier: false);
        var writer = Llama2cToGguf.Header(config, vocabulary, "random llama", type);
        var random = new Random(seed);
        long dim = config.Dimension, hidden = config.HiddenDimension, kv = config.KvDimension, vocab = config.VocabularySize;

        // Embeddings of about unit size and matrices scaled by 1/sqrt(fan-in) keep every block's activations near 1,
        // so the sampled tokens vary with the input instead of saturating.
        Matrix(writer, random, "token_embd.weight", dim, vocab, 1f, type);
        for (var layer = 0; layer < config.Layers; layer++)
        {
            var block = string.Create(CultureInfo.InvariantCulture, $"blk.{layer}.");
            Ones(writer, block + "attn_norm.weight", dim);
            Matrix(writer, random, block + "attn_q.weight", dim, dim, Scale(dim), type);
            Matrix(writer, random, block + "attn_k.weight", dim, kv, Scale(dim), type);
            Matrix(writer, random, block + "attn_v.weight", dim, kv, Scale(dim), type);
            Matrix(writer, random, block + "attn_output.weight", dim, dim, Scale(dim), type);
            Ones(writer, block + "ffn_norm.weight", dim);
            Matrix(writer, random, block + "ffn_gate.weight", dim, hidden, Scale(dim), type);
            Matrix(writer, random, block + "ffn_down.weight", hidden, dim, Scale(hidden), type);
            Matrix(writer, random, block + "ffn_up.weight", dim, hidden, Scale(dim), type);
        }

        Ones(writer, "output_norm.weight", dim);
        Matrix(writer, random, "output.weight", dim, vocab, Scale(dim) * 4, type);
        await writer.WriteAsync(path, cancellationToken);
        return path;
    }

    /// <summary>The CLIP ViT projector with LLaVA's MLP (<c>mm.0</c>, GELU, <c>mm.2</c>).</summary>
    public static async Task<string> WriteProjectorAsync(string path, LlavaShape shape, int seed, CancellationToken cancellationToken, GgmlType type = GgmlType.F16)
    {
        var writer = ProjectorHeader(shape);
        var random = new Random(seed);
        long width = shape.VisionDimension, ff = shape.VisionFeedForward, patch = shape.PatchSize;
        long output = shape.ProjectorOutput ?? shape.TextDimension;

        Vector(writer, random, "v.class_embd", width);
        writer.AddTensor("v.patch_embd.weight", [patch, patch, 3, width], Random(random, patch * patch * 3 * width, Scale(patch * patch * 3)), type);
        Matrix(writer, random, "v.position_embd.weight", width, shape.Patches + 1, 0.1f, type);
        LayerNorm(writer, random, "v.pre_ln", width);
        for (var layer = 0; layer < shape.VisionLayers; layer++)
        {
            var block = string.Create(CultureInfo.InvariantCulture, $"v.blk.{layer}.");
            foreach (var projection in new[] { "attn_q", "attn_k", "attn_v", "attn_out" })
            {
                Linear(writer, random, block + projection, width, width, type);
            }

            LayerNorm(writer, random, block + "ln1", width);
            Linear(writer, random, block + "ffn_up", width, ff, type);
            Linear(writer, random, block + "ffn_down", ff, width, type);
            LayerNorm(writer, random, block + "ln2", width);
        }

        Linear(writer, random, "mm.0", width, shape.ProjectorHidden, type);
        Linear(writer, random, "mm.2", shape.ProjectorHidden, output, type);
        await writer.WriteAsync(path, cancellationToken);
        return path;
    }

    /// <summary>The projector's metadata as llama.cpp's convert_image_encoder_to_gguf.py writes it for LLaVA.</summary>
    public static GgufWriter ProjectorHeader(LlavaShape shape, params string[] leaveOut)
    {
        var writer = new GgufWriter();
        void Add(string key, GgufValue value)
        {
            if (!leaveOut.Contains(key))
            {
                writer.Add(key, value);
            }
        }

        Add(GgufFile.ArchitectureKey, GgufValue.Of("clip"));
        Add("general.name", GgufValue.Of("random clip"));
        Add("general.file_type", GgufValue.Of(1u));
        Add("clip.has_text_encoder", GgufValue.Of(false));
        Add("clip.has_vision_encoder", GgufValue.Of(true));
        Add("clip.has_llava_projector", GgufValue.Of(true));
        Add("clip.projector_type", GgufValue.Of("mlp"));
        Add("clip.use_gelu", GgufValue.Of(false));
        Add("clip.vision.image_size", GgufValue.Of((uint)shape.ImageSize));
        Add("clip.vision.patch_size", GgufValue.Of((uint)shape.PatchSize));
        Add("clip.vision.embedding_length", GgufValue.Of((uint)shape.VisionDimension));
        Add("clip.vision.feed_forward_length", GgufValue.Of((uint)shape.VisionFeedForward));
        Add("clip.vision.projection_dim", GgufValue.Of((uint)(shape.ProjectorOutput ?? shape.TextDimension)));
        Add("clip.vision.attention.head_count", GgufValue.Of((uint)shape.VisionHeads));
        Add("clip.vision.attention.layer_norm_epsilon", GgufValue.Of(LayerNormEpsilon));
        Add("clip.vision.block_count", GgufValue.Of((uint)shape.VisionLayers));
        Add("clip.vision.image_mean", GgufValue.Array(ImageMean));
        Add("clip.vision.image_std", GgufValue.Array(ImageStd));
        return writer;
    }

    private static float Scale(long fanIn) => 1f / MathF.Sqrt(fanIn);

    private static void Linear(GgufWriter writer, Random random, string name, long input, long output, GgmlType type)
    {
        Matrix(writer, random, name + ".weight", input, output, Scale(input), type);
        writer.AddTensor(name + ".bias", [output], Random(random, output, 0.02f));
    }

    private static void LayerNorm(GgufWriter writer, Random random, string name, long width)
    {
        writer.AddTensor(name + ".weight", [width], Random(random, width, 0.1f).Select(v => 1 + v).ToArray());
        writer.AddTensor(name + ".bias", [width], Random(random, width, 0.02f));
    }

    private static void Vector(GgufWriter writer, Random random, string name, long width) =>
        writer.AddTensor(name, [width], Random(random, width, 1f));

    private static void Ones(GgufWriter writer, string name, long width) =>
        writer.AddTensor(name, [width], Enumerable.Repeat(1f, (int)width).ToArray());

    /// <summary>A [input, output] matrix in ggml's order, converted to <paramref name="type"/> a row block at a time so
    /// a 7B-sized layer never exists as float32 in memory.</summary>
    private static void Matrix(GgufWriter writer, Random random, string name, long input, long output, float scale, GgmlType type)
    {
        var bytes = new byte[GgmlTypeLayout.ByteCount(type, [input, output])];
        var rowBytes = bytes.Length / output;
        var rows = Math.Max(1, (int)((1L << 22) / input));
        for (long row = 0; row < output; row += rows)
        {
            var count = (int)Math.Min(rows, output - row);
            TensorData.FromFloats(Random(random, input * count, scale), type).CopyTo(bytes.AsSpan((int)(row * rowBytes)));
        }

        writer.AddTensor(name, [input, output], type, bytes);
    }

    /// <summary>Uniform in [-scale*sqrt(3), scale*sqrt(3)]: a deviation of <paramref name="scale"/>.</summary>
    private static float[] Random(Random random, long count, float scale)
    {
        var values = new float[count];
        var width = scale * MathF.Sqrt(3) * 2;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() - 0.5f) * width;
        }

        return values;
    }
}
