using Sonique.Gguf;
using Sonique.Training.Ggml;
using static Sonique.Training.Ggml.GgmlNative;

namespace Sonique.Training.Lora;

/// <summary>
/// A llama model's forward pass built from ggml's own ops, with LoRA A/B tensors beside the frozen weights, and
/// ggml's backward pass over it. It never touches llama.cpp's KV cache, whose write op has no backward pass in
/// this build, so every block's attention and FFN can be trained. One graph holds one window of tokens; the loss
/// is the cross-entropy of the answer tokens only, picked out before the output matrix so that the vocabulary
/// projection is paid for answer tokens alone.
/// </summary>
public sealed class LoraTrainingGraph : IDisposable
{
    private const int F32 = 0;
    private const int I32 = 26;
    private const int RopeNormal = 0;
    private const int GraphSize = 16384;

    /// <summary>The layer number the output projection's LoRA is filed under.</summary>
    public const int HeadLayer = -1;

    private readonly nint _weights;
    private readonly nint _backend;
    private readonly nint _allocator;
    private readonly IReadOnlyList<Pass> _passes;
    private ulong? _dropoutState;
    private bool _disposed;

    private LoraTrainingGraph(LlamaShape shape, LoraSettings lora, nint weights, nint allocator, nint backend, IReadOnlyList<Pass> passes, IReadOnlyList<LoraParameter> parameters)
    {
        _allocator = allocator;
        Shape = shape;
        Lora = lora;
        _weights = weights;
        _backend = backend;
        _passes = passes;
        Parameters = parameters;
        ParameterCount = parameters.Sum(p => p.A.Length + p.B.Length);
    }

    public LlamaShape Shape { get; }

    public LoraSettings Lora { get; }

    /// <summary>Tokens of the longest window: a longer example cannot be trained on.</summary>
    public int Window => _passes[^1].Window;

    /// <summary>Answer tokens per window: a longer answer cannot be trained on.</summary>
    public int MaxTargets => _passes[^1].Rows;

    /// <summary>The window lengths there is a graph for; an example is computed in the shortest that holds it.</summary>
    public IReadOnlyList<int> Windows => _passes.Select(p => p.Window).ToList();

    /// <summary>The adapted weights in a fixed order (by layer, then target); each A then B in the flat vectors.</summary>
    public IReadOnlyList<LoraParameter> Parameters { get; }

    public int ParameterCount { get; }

    /// <summary>Bytes of the graph allocator's buffer for activations and gradients.</summary>
    public long ComputeBytes { get; private init; }

    /// <summary>Matrix-product FLOPs of one forward-and-backward pass over the longest window.</summary>
    public double FlopsPerWindow => TrainingFlops(Shape, Lora, Window, MaxTargets);

    /// <summary>Matrix-product FLOPs of one forward-and-backward pass over <paramref name="example"/> (its window's).</summary>
    public double FlopsOf(TrainingExample example)
    {
        var pass = PassFor(example);
        return TrainingFlops(Shape, Lora, pass.Window, pass.Rows);
    }

    /// <summary>
    /// Up to <paramref name="count"/> windows for examples of these lengths, at quantiles of the lengths rounded up to
    /// 16 tokens: every example is padded to a window, and one window the length of the longest made the pipeline's
    /// examples, which vary in length, pay for a fifth more tokens than they have.
    /// </summary>
    public static IReadOnlyList<int> WindowsFor(IEnumerable<int> lengths, int contextLength, int count = 4)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        var sorted = lengths.Order().ToArray();
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Length, nameof(lengths));
        return Enumerable.Range(1, count)
            .Select(q => Math.Min(contextLength, (Math.Max(sorted[(((q * sorted.Length) + count - 1) / count) - 1], 2) + 15) / 16 * 16))
            .Distinct()
            .ToList();
    }

    public static Task<LoraTrainingGraph> LoadAsync(string modelPath, LoraSettings lora, int window, int maxTargets, int threads, CancellationToken ct) =>
        LoadAsync(modelPath, lora, [window], maxTargets, threads, ct);

    /// <summary>Loads the model and builds a graph for each of <paramref name="windows"/> over the same weights, all
    /// in one buffer the size of the longest's.</summary>
    public static async Task<LoraTrainingGraph> LoadAsync(string modelPath, LoraSettings lora, IReadOnlyList<int> windows, int maxTargets, int threads, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lora);
        ArgumentNullException.ThrowIfNull(windows);
        lora.Validate();
        ArgumentOutOfRangeException.ThrowIfZero(windows.Count, nameof(windows));
        ArgumentOutOfRangeException.ThrowIfLessThan(windows.Min(), 2, nameof(windows));
        var window = windows.Max();
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTargets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var model = await GgufFile.ReadAsync(modelPath, ct);
        var shape = LlamaShape.Of(model);
        shape.CheckTargets(lora.Targets, modelPath);
        if (window > shape.ContextLength)
        {
            throw new ArgumentOutOfRangeException(nameof(windows), window, $"the window is longer than the model's context of {shape.ContextLength} tokens");
        }

        GgmlLibrary.EnsureBound();
        var tensors = BaseWeights(shape).Select(w => CheckedTensor(model, w.Name, w.Dimensions)).ToList();
        var loraTensors = LoraShapes(shape, lora, model).ToList();
        var weightBytes = tensors.Sum(t => t.ElementCount * 4 + 64) + loraTensors.Sum(t => ((long)t.In * lora.Rank + (long)lora.Rank * t.Out) * 4 + 128);
        var weightsCtx = Init(weightBytes + (tensors.Count + 2 * loraTensors.Count + 8) * (long)ggml_tensor_overhead(), noAlloc: false);
        var passes = new List<Pass>();
        nint allocator = 0;
        nint backend = 0;
        try
        {
            var weights = new Dictionary<string, nint>(StringComparer.Ordinal);
            foreach (var tensor in tensors)
            {
                ct.ThrowIfCancellationRequested();
                // F16 and BF16 weights are widened here: the backward pass's products of frozen weights run on
                // ggml's F32 kernels (its out_prod has no F16 path in this build).
                var values = await model.ReadTensorAsFloatsAsync(tensor, ct);
                var handle = tensor.Dimensions.Count == 1
                    ? ggml_new_tensor_1d(weightsCtx, F32, tensor.Dimensions[0])
                    : ggml_new_tensor_2d(weightsCtx, F32, tensor.Dimensions[0], tensor.Dimensions[1]);
                ggml_set_name(handle, tensor.Name);
                values.AsSpan().CopyTo(new GgmlTensor(handle, values.Length).Span);
                weights[tensor.Name] = handle;
            }

            var parameters = new List<LoraParameter>();
            foreach (var (layer, target, input, output) in loraTensors)
            {
                var a = ggml_new_tensor_2d(weightsCtx, F32, input, lora.Rank);
                var b = ggml_new_tensor_2d(weightsCtx, F32, lora.Rank, output);
                ggml_set_name(a, target.WeightName(layer) + ".lora_a");
                ggml_set_name(b, target.WeightName(layer) + ".lora_b");
                ggml_set_param(a);
                ggml_set_param(b);
                parameters.Add(new LoraParameter(layer, target, input, output, lora.Rank, new GgmlTensor(a, input * lora.Rank), new GgmlTensor(b, lora.Rank * output)));
            }

            var byName = parameters.ToDictionary(p => (p.Layer, p.Target.Gguf));

            // The graph's tensors get their memory from ggml's graph allocator, which reuses a buffer once the
            // tensor in it has been read for the last time (in the order of the backward graph, of which the
            // forward graph is the first part). What must outlive that plan is marked: the inputs we write
            // before a pass, the loss's seed gradient ggml_graph_reset writes, the loss and the LoRA gradients.
            foreach (var length in windows.Distinct().Order())
            {
                var context = Init((long)ggml_tensor_overhead() * GraphSize * 3 + 2 * (long)ggml_graph_overhead_custom(GraphSize, true), noAlloc: true);
                var rows = Math.Min(maxTargets, length - 1);
                passes.Add(new Pass(length, rows, context, Build(context, shape, lora, length, rows, weights, byName)));
                var handles = passes[^1].H;
                foreach (var input in new[] { handles.Tokens, handles.Positions, handles.TargetRows, handles.Labels, handles.AnswerRows }.Concat(handles.DropoutMasks.Select(m => m.Handle)))
                {
                    ggml_set_input(input);
                }

                ggml_set_input(ggml_graph_get_grad(handles.Backward, handles.Loss));
                ggml_set_output(handles.Loss);
                foreach (var parameter in parameters)
                {
                    ggml_set_output(ggml_graph_get_grad(handles.Backward, parameter.A.Handle));
                    ggml_set_output(ggml_graph_get_grad(handles.Backward, parameter.B.Handle));
                }
            }

            // Each window's graph is planned once into one buffer, the longest first so that the buffer takes its
            // size: a shorter window's plan fits in it, and the tensors of every graph keep their places (a pass
            // writes its inputs and every intermediate before reading them, so the graphs can share the bytes).
            allocator = ggml_gallocr_new(ggml_backend_cpu_buffer_type());
            nuint size = 0;
            foreach (var pass in passes.AsEnumerable().Reverse())
            {
                if (!ggml_gallocr_alloc_graph(allocator, pass.H.Backward))
                {
                    throw new InsufficientMemoryException($"ggml could not allocate the training graph's memory (a window of {pass.Window} tokens).");
                }

                size = size == 0 ? ggml_gallocr_get_buffer_size(allocator, 0) : size;
                if (ggml_gallocr_get_buffer_size(allocator, 0) != size)
                {
                    throw new InvalidOperationException($"the graph of a window of {pass.Window} tokens outgrew the longest window's buffer");
                }
            }

            var needed = (long)ggml_gallocr_get_buffer_size(allocator, 0);
            backend = ggml_backend_cpu_init();
            if (backend == 0)
            {
                throw new InvalidOperationException("ggml's CPU backend did not start.");
            }

            ggml_backend_cpu_set_n_threads(backend, threads);
            return new LoraTrainingGraph(shape, lora, weightsCtx, allocator, backend, passes, parameters) { ComputeBytes = needed };
        }
        catch
        {
            if (backend != 0)
            {
                ggml_backend_free(backend);
            }

            if (allocator != 0)
            {
                ggml_gallocr_free(allocator);
            }

            foreach (var pass in passes)
            {
                ggml_free(pass.Context);
            }

            ggml_free(weightsCtx);
            throw;
        }
    }

    /// <summary>Dropout on every following pass with gradients, its noise a sequence seeded by <paramref name="seed"/>;
    /// null turns it off (validation).</summary>
    public void SetDropoutSeed(ulong? seed) => _dropoutState = seed is { } s ? s | 1 : null;

    /// <summary>The loss of <paramref name="example"/>: mean cross-entropy per answer token (no gradients).</summary>
    public float Loss(TrainingExample example)
    {
        var pass = SetInputs(example, dropout: false);
        Compute(pass.H.Forward);
        return ReadLoss(pass, example);
    }

    /// <summary>
    /// Forward and backward over <paramref name="example"/>; returns its mean loss per answer token. The gradients
    /// of the summed token losses are added, times <paramref name="factor"/>, to <paramref name="accumulator"/>.
    /// </summary>
    public unsafe float LossAndGradients(TrainingExample example, Span<float> accumulator, float factor)
    {
        if (accumulator.Length != ParameterCount)
        {
            throw new ArgumentException($"the accumulator holds {accumulator.Length} values, not {ParameterCount}", nameof(accumulator));
        }

        var pass = SetInputs(example, dropout: _dropoutState is not null);
        ggml_graph_reset(pass.H.Backward);
        Compute(pass.H.Backward);
        // The graph's loss is a mean over all its answer rows; its gradient times their count is the summed loss's.
        var scale = factor * pass.Rows;
        var offset = 0;
        foreach (var parameter in Parameters)
        {
            foreach (var tensor in new[] { parameter.A, parameter.B })
            {
                var grad = ggml_graph_get_grad(pass.H.Backward, tensor.Handle);
                var target = accumulator.Slice(offset, tensor.Length);
                if (grad != 0)
                {
                    var values = new ReadOnlySpan<float>((void*)ggml_get_data(grad), tensor.Length);
                    for (var i = 0; i < values.Length; i++)
                    {
                        target[i] += scale * values[i];
                    }
                }

                offset += tensor.Length;
            }
        }

        return ReadLoss(pass, example);
    }

    public void ReadParameters(Span<float> into) => Copy(into, toGraph: false);

    public unsafe void WriteParameters(ReadOnlySpan<float> values)
    {
        fixed (float* p = values)
        {
            Copy(new Span<float>(p, values.Length), toGraph: true);
        }
    }

    /// <summary>The trained update of every adapted weight, in the row-major layout peft and the GGUF LoRA share.</summary>
    public IReadOnlyList<Sonique.Llm.Lora.LoraMatrices> ToMatrices() =>
        Parameters.Select(p => new Sonique.Llm.Lora.LoraMatrices(p.Target.WeightName(p.Layer), p.Input, p.Output, p.Rank, p.A.Span.ToArray(), p.B.Span.ToArray())).ToList();

    /// <summary>Matrix-product FLOPs of forward and backward (activation gradients for frozen weights, both for LoRA).</summary>
    public static double TrainingFlops(LlamaShape s, LoraSettings lora, int window, int answerRows)
    {
        double t = window;
        double linear = 0;
        var headUpdate = lora.Targets.Contains(LoraTarget.Head) ? 2.0 * (s.Embedding + s.Vocabulary) * lora.Rank * answerRows * 3 : 0;
        foreach (var target in LoraTarget.All)
        {
            var (input, output) = s.Dimensions(target);
            linear += 2.0 * input * output * t * 2; // forward, and the input's gradient
            if (lora.Targets.Contains(target))
            {
                linear += 2.0 * (input + output) * lora.Rank * t * 3; // forward, input gradient, weight gradient
            }
        }

        var attention = 2.0 * 2 * t * t * s.Embedding * 3; // QK^T and AV, forward and two gradients
        var head = 2.0 * s.Embedding * s.Vocabulary * answerRows * 2;
        return (s.Layers * (linear + attention)) + head + headUpdate;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ggml_backend_free(_backend);
        ggml_gallocr_free(_allocator);
        foreach (var pass in _passes)
        {
            ggml_free(pass.Context);
        }

        ggml_free(_weights);
    }

    private void Copy(Span<float> flat, bool toGraph)
    {
        if (flat.Length != ParameterCount)
        {
            throw new ArgumentException($"LoRA parameters are {ParameterCount} values, not {flat.Length}");
        }

        var offset = 0;
        foreach (var parameter in Parameters)
        {
            foreach (var tensor in new[] { parameter.A, parameter.B })
            {
                var slice = flat.Slice(offset, tensor.Length);
                if (toGraph)
                {
                    slice.CopyTo(tensor.Span);
                }
                else
                {
                    tensor.Span.CopyTo(slice);
                }

                offset += tensor.Length;
            }
        }
    }

    /// <summary>The shortest window's graph that holds <paramref name="example"/>.</summary>
    private Pass PassFor(TrainingExample example)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pass = _passes.FirstOrDefault(p => p.Window >= example.Tokens.Length)
            ?? throw new ArgumentException($"example '{example.Id}' has {example.Tokens.Length} tokens; the training window holds {Window}");
        if (example.AnswerStart < 1 || example.Targets < 1 || example.Targets > pass.Rows)
        {
            throw new ArgumentException($"example '{example.Id}' has {example.Targets} answer tokens after {example.AnswerStart} prompt tokens; the graph takes 1 to {pass.Rows} after at least one");
        }

        return pass;
    }

    private unsafe Pass SetInputs(TrainingExample example, bool dropout)
    {
        var pass = PassFor(example);
        var (h, window, maxTargets) = (pass.H, pass.Window, pass.Rows);
        var tokens = Ints(h.Tokens, window);
        tokens.Clear();
        example.Tokens.CopyTo(tokens);
        var positions = Ints(h.Positions, window);
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = i;
        }

        var rows = Ints(h.TargetRows, maxTargets);
        rows.Clear();
        var labels = new Span<float>((void*)ggml_get_data(h.Labels), Shape.Vocabulary * maxTargets);
        labels.Clear();
        var answerRows = new Span<float>((void*)ggml_get_data(h.AnswerRows), maxTargets);
        answerRows.Clear();
        answerRows[..example.Targets].Fill(1f);
        for (var k = 0; k < example.Targets; k++)
        {
            var token = example.Tokens[example.AnswerStart + k];
            if ((uint)token >= (uint)Shape.Vocabulary)
            {
                throw new ArgumentException($"example '{example.Id}' has token {token}, outside the vocabulary of {Shape.Vocabulary}");
            }

            rows[k] = example.AnswerStart - 1 + k;
            labels[(k * Shape.Vocabulary) + token] = 1f;
        }

        foreach (var mask in h.DropoutMasks)
        {
            var values = new Span<float>((void*)ggml_get_data(mask.Handle), mask.Length);
            if (!dropout || _dropoutState is not { } state)
            {
                values.Fill(1f);
                continue;
            }

            // xorshift64: millions of draws per step, where Random.NextSingle cost a tenth of the step's time.
            var keep = 1f / (1f - Lora.Dropout);
            var threshold = (uint)(Lora.Dropout * 4294967296.0);
            for (var i = 0; i < values.Length; i++)
            {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                values[i] = (uint)(state >> 32) < threshold ? 0f : keep;
            }

            _dropoutState = state;
        }

        return pass;
    }

    private static unsafe float ReadLoss(Pass pass, TrainingExample example) => *(float*)ggml_get_data(pass.H.Loss) * pass.Rows / example.Targets;

    private void Compute(nint graph) => GgmlNative.Compute(_backend, graph);

    private static unsafe Span<int> Ints(nint tensor, int count) => new((void*)ggml_get_data(tensor), count);

    private static nint Init(long bytes, bool noAlloc)
    {
        var ctx = ggml_init(new InitParams { MemSize = (nuint)bytes, MemBuffer = 0, NoAlloc = noAlloc ? (byte)1 : (byte)0 });
        return ctx != 0 ? ctx : throw new InsufficientMemoryException($"ggml could not reserve {bytes / (1 << 20)} MiB.");
    }

    /// <summary>Every frozen tensor the graph reads, with the dimensions the shape gives it.</summary>
    private static IEnumerable<(string Name, long[] Dimensions)> BaseWeights(LlamaShape shape)
    {
        yield return ("token_embd.weight", [shape.Embedding, shape.Vocabulary]);
        yield return ("output_norm.weight", [shape.Embedding]);
        if (!shape.TiedOutput)
        {
            yield return ("output.weight", [shape.Embedding, shape.Vocabulary]);
        }

        if (shape.HasRopeFactors)
        {
            yield return (LlamaShape.RopeFrequencyFactors, [shape.RopeDimensions / 2]);
        }

        for (var layer = 0; layer < shape.Layers; layer++)
        {
            yield return ($"blk.{layer}.attn_norm.weight", [shape.Embedding]);
            yield return ($"blk.{layer}.ffn_norm.weight", [shape.Embedding]);
            foreach (var target in LoraTarget.All)
            {
                var (input, output) = shape.Dimensions(target);
                yield return (target.WeightName(layer), [input, output]);
            }
        }
    }

    /// <summary>The tensor, once it is known to hold floats of the expected dimensions: a file that does not
    /// is refused here, by name, rather than by an assertion inside ggml.</summary>
    private static GgufTensorInfo CheckedTensor(GgufFile model, string name, long[] dimensions)
    {
        var tensor = model.TryGetTensor(name) ?? throw new InvalidDataException($"Model '{model.Path}' has no tensor '{name}'.");
        if (tensor.Type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16))
        {
            throw new InvalidDataException(
                $"Model '{model.Path}' stores {name} as {tensor.Type}: the in-process trainer trains on F32, F16 or BF16 weights only. " +
                "Use the model's F16 or BF16 GGUF (llama.cpp's convert_hf_to_gguf.py --outtype f16 or bf16 writes one from the original), or finetune.backend: peft.");
        }

        if (!tensor.Dimensions.SequenceEqual(dimensions))
        {
            throw new InvalidDataException(
                $"Model '{model.Path}' has {name} of [{string.Join(", ", tensor.Dimensions)}], where its metadata implies [{string.Join(", ", dimensions)}].");
        }

        return tensor;
    }

    private static IEnumerable<(int Layer, LoraTarget Target, int In, int Out)> LoraShapes(LlamaShape shape, LoraSettings lora, GgufFile model)
    {
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            foreach (var target in lora.Targets.Where(t => !t.IsHead))
            {
                var weight = model.Tensor(target.WeightName(layer));
                yield return (layer, target, checked((int)weight.Dimensions[0]), checked((int)weight.Dimensions[1]));
            }
        }

        if (lora.Targets.Contains(LoraTarget.Head))
        {
            yield return (HeadLayer, LoraTarget.Head, shape.Embedding, shape.Vocabulary);
        }
    }

    private static Handles Build(nint ctx, LlamaShape s, LoraSettings lora, int window, int maxTargets, Dictionary<string, nint> w, Dictionary<(int, string), LoraParameter> adapted)
    {
        var tokens = ggml_new_tensor_1d(ctx, I32, window);
        var positions = ggml_new_tensor_1d(ctx, I32, window);
        var rows = ggml_new_tensor_1d(ctx, I32, maxTargets);
        var labels = ggml_new_tensor_2d(ctx, F32, s.Vocabulary, maxTargets);
        var answerRows = ggml_new_tensor_2d(ctx, F32, 1, maxTargets);
        var masks = new List<GgmlTensor>();
        var hd = s.HeadSize;

        nint Linear(nint x, int layer, LoraTarget target, nint? weight = null)
        {
            var y = ggml_mul_mat(ctx, weight ?? w[target.WeightName(layer)], x);
            if (!adapted.TryGetValue((layer, target.Gguf), out var p))
            {
                return y;
            }

            var input = x;
            if (lora.Dropout > 0)
            {
                var columns = target.IsHead ? maxTargets : window;
                var mask = ggml_new_tensor_2d(ctx, F32, p.Input, columns);
                masks.Add(new GgmlTensor(mask, p.Input * columns));
                input = ggml_mul(ctx, x, mask);
            }

            var update = ggml_mul_mat(ctx, p.B.Handle, ggml_mul_mat(ctx, p.A.Handle, input));
            return ggml_add(ctx, y, ggml_scale(ctx, update, lora.Scale));
        }

        nint Norm(nint x, string weight) => ggml_mul(ctx, ggml_rms_norm(ctx, x, s.RmsEpsilon), w[weight]);

        // As llama.cpp's llama graph: the original context, no YaRN (ext_factor 0), and Llama 3's frequency factors.
        var factors = s.HasRopeFactors ? w[LlamaShape.RopeFrequencyFactors] : 0;
        nint Rope(nint x, int heads) => ggml_rope_ext(ctx, ggml_reshape_3d(ctx, x, hd, heads, window), positions, factors, s.RopeDimensions, RopeNormal, s.ContextLength,
            s.RopeFrequencyBase, s.RopeFrequencyScale, 0f, 1f, 32f, 1f);

        var q = LoraTarget.All[0];
        var k = LoraTarget.All[1];
        var v = LoraTarget.All[2];
        var o = LoraTarget.All[3];
        var gate = LoraTarget.All[4];
        var up = LoraTarget.All[5];
        var down = LoraTarget.All[6];
        var x = ggml_get_rows(ctx, w["token_embd.weight"], tokens);
        for (var layer = 0; layer < s.Layers; layer++)
        {
            var h = Norm(x, $"blk.{layer}.attn_norm.weight");
            // Grouped-query attention: K and V have KvHeads heads, and ggml's products broadcast each over the
            // Heads / KvHeads query heads that follow one another, as llama.cpp pairs them.
            // Q and K go into their product as permuted views, as llama.cpp's attention does: no copy into head order.
            var queries = ggml_permute(ctx, Rope(Linear(h, layer, q), s.Heads), 0, 2, 1, 3);
            var keys = ggml_permute(ctx, Rope(Linear(h, layer, k), s.KvHeads), 0, 2, 1, 3);
            var values = ggml_cont(ctx, ggml_permute(ctx, ggml_reshape_3d(ctx, Linear(h, layer, v), hd, s.KvHeads, window), 1, 2, 0, 3));
            var scores = ggml_soft_max_ext(ctx, ggml_diag_mask_inf(ctx, ggml_mul_mat(ctx, keys, queries), 0), 0, 1f / MathF.Sqrt(hd), 0f);
            var attended = ggml_cont_2d(ctx, ggml_permute(ctx, ggml_mul_mat(ctx, values, scores), 0, 2, 1, 3), s.Embedding, window);
            x = ggml_add(ctx, x, Linear(attended, layer, o));
            h = Norm(x, $"blk.{layer}.ffn_norm.weight");
            var gated = ggml_mul(ctx, ggml_silu(ctx, Linear(h, layer, gate)), Linear(h, layer, up));
            x = ggml_add(ctx, x, Linear(gated, layer, down));
        }

        var final = ggml_get_rows(ctx, Norm(x, "output_norm.weight"), rows);
        var logits = Linear(final, HeadLayer, LoraTarget.Head, w[s.TiedOutput ? "token_embd.weight" : "output.weight"]);
        // ggml's cross-entropy gradient is softmax - label per row, which assumes every row has a label: the unused
        // answer rows are zeroed before it, so their gradient is zeroed too and their loss is nil.
        var used = ggml_mul(ctx, logits, answerRows);
        var loss = ggml_cross_entropy_loss(ctx, used, labels);
        ggml_set_loss(loss);
        var forward = ggml_new_graph_custom(ctx, GraphSize, true);
        ggml_build_forward_expand(forward, loss);
        var backward = ggml_graph_dup(ctx, forward, true);
        ggml_build_backward_expand(ctx, backward, 0);
        return new Handles(tokens, positions, rows, labels, answerRows, masks, loss, forward, backward);
    }

    /// <summary>The graph of one window length: its answer rows, its context (tensor metadata only) and its handles.</summary>
    private sealed record Pass(int Window, int Rows, nint Context, Handles H);

    private sealed record Handles(nint Tokens, nint Positions, nint TargetRows, nint Labels, nint AnswerRows, IReadOnlyList<GgmlTensor> DropoutMasks, nint Loss, nint Forward, nint Backward);
}

/// <summary>The LoRA pair of one adapted weight: A ggml [in, rank], B ggml [rank, out].</summary>
public sealed record LoraParameter(int Layer, LoraTarget Target, int Input, int Output, int Rank, GgmlTensor A, GgmlTensor B);
