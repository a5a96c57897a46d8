using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Sonique.Llm;
using Sonique.Llm.Generation;
using Sonique.Media;

namespace Sonique.Analysis.Video.Vlm;

/// <summary>
/// DescribeVideo's "vlm" backend: a clip's frames and the prompt go through a vision-language GGUF model with its
/// projector (LLamaSharp's multimodal API), and the sampled answer is the description. The weights are loaded once
/// (the original re-loaded its model for every video). Clips share one llama.cpp context and projector, so they
/// are described one at a time; the next clip's frames are decoded by ffmpeg meanwhile.
/// </summary>
public sealed class VlmDescriber : ISceneDescriber, IDisposable
{
    /// <summary>Tokens evaluated per llama_decode: an image's tokens go in one batch when the model attends
    /// non-causally over them, and 2048 holds even a 576-token LLaVA image.</summary>
    private const uint BatchSize = 2048;

    private static readonly ConcurrentDictionary<string, int> LoadsByModel = new(StringComparer.Ordinal);

    private readonly VlmOptions _options;
    private readonly int _frameSize;
    private readonly UniformFrameSampler _sampler;
    private readonly LlamaSession _session;
    private readonly MtmdWeights _projector;
    private readonly string _marker;
    private readonly bool _chatTemplate;

    private VlmDescriber(VlmOptions options, int frameSize, UniformFrameSampler sampler, LlamaSession session, MtmdWeights projector, string marker, bool chatTemplate)
    {
        _options = options;
        _frameSize = frameSize;
        _sampler = sampler;
        _session = session;
        _projector = projector;
        _marker = marker;
        _chatTemplate = chatTemplate;
    }

    public string Name => "vlm";

    /// <summary>Where the last description's time went (for benchmarks; never part of a description, which must be
    /// the same bytes on every run).</summary>
    public VlmTimings? LastTimings { get; private set; }

    /// <summary>How many times this process has loaded the language model at <paramref name="modelPath"/>: a run loads
    /// it once, whatever its number of clips and workers.</summary>
    public static int LoadsOf(string modelPath) => LoadsByModel.GetValueOrDefault(Path.GetFullPath(modelPath));

    /// <summary>
    /// Checks both files (each named in the error: missing, not GGUF, a projector given as the model or the other
    /// way round), then loads them. Every failure is a <see cref="VlmLoadException"/>; native ones name both paths.
    /// </summary>
    public static async Task<VlmDescriber> LoadAsync(VlmOptions options, Ffmpeg ffmpeg, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ffmpeg);
        options.Validate();
        var modelPath = Path.GetFullPath(options.ModelPath);
        var projectorPath = Path.GetFullPath(options.ProjectorPath);
        var imageSize = await VlmFileCheck.CheckAsync(modelPath, projectorPath, cancellationToken);
        LlamaLog.WarningsOnly();

        var threads = options.Threads ?? Environment.ProcessorCount;
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = options.ContextSize,
            BatchSize = BatchSize,
            Threads = threads,
            BatchThreads = threads,
            FlashAttention = options.FlashAttention,
        };
        var failure = $"(model '{modelPath}', projector '{projectorPath}')";
        var session = await LlamaSession.LoadAsync(parameters, $"Loading the VLM language model failed {failure}", (message, cause) => new VlmLoadException(message, cause), cancellationToken);
        LoadsByModel.AddOrUpdate(modelPath, 1, (_, loads) => loads + 1);
        try
        {
            var projection = MtmdContextParams.Default();
            projection.NThreads = threads;

            LlamaLog.MultimodalWarningsOnly();
            var projector = await session.LoadOntoAsync($"Loading the VLM projector failed {failure}", model => MtmdWeights.LoadFromFileAsync(projectorPath, model, projection, cancellationToken));
            if (!projector.SupportsVision)
            {
                throw new VlmLoadException($"The VLM projector '{projectorPath}' has no vision encoder (it is for audio), so it cannot see frames.");
            }

            if (projector.UsesNonCausalAttention)
            {
                parameters = parameters with { UBatchSize = BatchSize };
            }

            await session.CreateContextAsync(parameters, $"Creating the VLM context failed {failure}");
            var marker = projection.MediaMarker ?? NativeApi.MtmdDefaultMarker() ?? "<__media__>";
            var describer = new VlmDescriber(options, options.FrameSize ?? imageSize, new UniformFrameSampler(ffmpeg), session, projector, marker, HasChatTemplate(session.Model));
            await session.LoadStepAsync($"Trying the VLM projector on {options.Frames} blank frames failed {failure}", () => Task.FromResult(describer.CheckContextFits(failure)));
            return describer;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public async Task<SceneDescription> DescribeAsync(string videoPath, CancellationToken cancellationToken)
    {
        _session.ThrowIfDisposed();
        var sampling = Stopwatch.StartNew();
        var frames = await _sampler.SampleAsync(videoPath, _options.Frames, _frameSize, cancellationToken);
        var sampled = sampling.Elapsed;
        Generation generation;
        try
        {
            generation = await _session.RunAsync(() => Generate(frames, cancellationToken), cancellationToken);
        }
        catch (RuntimeError e)
        {
            throw new ClipAnalysisException($"the VLM failed on this clip: {e.Message}", e);
        }

        LastTimings = new VlmTimings(sampled, generation.Reading, generation.Generating, generation.Tokens);
        var text = generation.Text.Trim();
        if (text.Length == 0)
        {
            throw new ClipAnalysisException("the VLM answered with no text");
        }

        return new SceneDescription
        {
            Text = text,
            Details = new Dictionary<string, string>
            {
                ["model"] = Path.GetFileName(_options.ModelPath),
                ["projector"] = Path.GetFileName(_options.ProjectorPath),
                ["frames"] = frames.Count.ToString(CultureInfo.InvariantCulture),
                ["frame_pixels"] = _frameSize.ToString(CultureInfo.InvariantCulture),
                ["image_tokens"] = generation.ImageTokens.ToString(CultureInfo.InvariantCulture),
                ["frame_seconds"] = string.Join(", ", frames.Select(f => f.Time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture))),
                ["prompt_format"] = _chatTemplate ? "chat template" : "plain",
                ["seed"] = _options.Seed.ToString(CultureInfo.InvariantCulture),
                ["tokens"] = generation.Tokens.ToString(CultureInfo.InvariantCulture),
                ["finish"] = generation.Ended ? "end" : "max_tokens",
            },
        };
    }

    /// <summary>Waits for a description in progress: the native weights must outlive it.</summary>
    public void Dispose() => _session.Dispose();

    private Generation Generate(IReadOnlyList<VideoFrame> frames, CancellationToken cancellationToken)
    {
        var context = _session.Context.NativeHandle;

        // Each clip starts from an empty cache and a fresh sampler: its description depends on its frames and the
        // seed, not on which clips came before it or on which worker asked.
        context.MemoryClear(true);
        using var chunks = Tokenize(frames, out var status) ?? throw new ClipAnalysisException(
            $"the VLM projector could not take {frames.Count} frames with the prompt (mtmd_tokenize returned {status})");
        var imageTokens = chunks.Enumerate()
            .Where(c => c.Type == SafeMtmdInputChunk.SafeMtmdInputChunkType.Image)
            .Sum(c => (long)c.NTokens);
        var needed = chunks.CountPositions() + _options.MaxTokens;
        if (needed > context.ContextSize)
        {
            throw new ClipAnalysisException(
                $"{frames.Count} frames, the prompt and {_options.MaxTokens} new tokens need {needed} positions; the VLM context holds {context.ContextSize}");
        }

        var past = 0;
        var reading = Stopwatch.StartNew();
        var evaluated = _projector.EvaluateChunks(chunks, context, ref past, LLamaSeqId.Zero.Value, (int)context.BatchSize, true);
        if (evaluated != 0)
        {
            throw new ClipAnalysisException($"the VLM could not read the frames and the prompt (evaluating the chunks returned {evaluated})");
        }

        var read = reading.Elapsed;
        var generating = Stopwatch.StartNew();
        var generation = Continue(past, cancellationToken);
        return generation with { ImageTokens = imageTokens, Reading = read, Generating = generating.Elapsed };
    }

    /// <summary>The frames and the prompt as the projector's chunks, or null with the native status.</summary>
    private SafeMtmdInputChunks? Tokenize(IReadOnlyList<VideoFrame> frames, out int status)
    {
        var bitmaps = new List<SafeMtmdEmbed>(frames.Count);
        try
        {
            foreach (var frame in frames)
            {
                bitmaps.Add(SafeMtmdEmbed.FromRgbBytes((uint)frame.Width, (uint)frame.Height, frame.Rgb.Span)
                    ?? throw new ClipAnalysisException($"the VLM projector refused a {frame.Width}x{frame.Height} frame"));
            }

            status = _projector.Tokenize(Prompt(frames.Count), true, true, bitmaps.ToArray(), out var chunks);
            if (status == 0 && chunks is not null)
            {
                return chunks;
            }

            chunks?.Dispose();
            return null;
        }
        finally
        {
            foreach (var bitmap in bitmaps)
            {
                bitmap.Dispose();
            }
        }
    }

    /// <summary>The model's own chat turn when it carries a template llama.cpp knows, so the answer comes as an
    /// assistant's reply instead of a continuation of the question.</summary>
    private string Prompt(int frames)
    {
        var question = string.Concat(Enumerable.Repeat(_marker, frames)) + "\n" + _options.Prompt;
        if (!_chatTemplate)
        {
            return question;
        }

        var template = new LLamaTemplate(_session.Model, strict: true) { AddAssistant = true };
        template.Add("user", question);
        return Encoding.UTF8.GetString(template.Apply());
    }

    private Generation Continue(int past, CancellationToken cancellationToken)
    {
        var context = _session.Context.NativeHandle;
        using var sampler = Sampler();
        var decoder = new StreamingTokenDecoder(_session.Context);
        var batch = new LLamaBatch();
        for (var generated = 0; generated < _options.MaxTokens; generated++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = sampler.Sample(context, -1);
            if (token.IsEndOfGeneration(_session.Context.Vocab))
            {
                return new Generation(decoder.Read(), generated, Ended: true);
            }

            decoder.Add(token);
            if (generated + 1 == _options.MaxTokens)
            {
                break;
            }

            batch.Clear();
            batch.Add(token, past++, LLamaSeqId.Zero, true);
            var result = context.Decode(batch);
            if (result != DecodeResult.Ok)
            {
                throw new ClipAnalysisException($"the VLM failed after {generated + 1} tokens (llama_decode: {result})");
            }
        }

        return new Generation(decoder.Read(), _options.MaxTokens, Ended: false);
    }

    /// <summary>
    /// Sampling as the original's transformers generate did it: temperature, then top-k, then top-p, then a draw.
    /// LLamaSharp's default pipeline puts top-p before temperature and adds min-p, which differ unless T is 1.
    /// </summary>
    private SafeLLamaSamplerChainHandle Sampler()
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddTemperature(_options.Temperature);
        chain.AddTopK(_options.TopK);
        chain.AddTopP(_options.TopP, 1);
        chain.AddDistributionSampler(_options.Seed);
        return chain;
    }

    /// <summary>Refuses at load a context too small for the frames, the prompt and the answer, which would
    /// otherwise fail every clip the same way.</summary>
    private bool CheckContextFits(string failure)
    {
        var black = new byte[_frameSize * _frameSize * 3];
        var frames = Enumerable.Range(0, _options.Frames)
            .Select(i => new VideoFrame(TimeSpan.Zero, _frameSize, _frameSize, black))
            .ToList();
        using var chunks = Tokenize(frames, out var status)
            ?? throw new VlmLoadException($"The VLM projector could not take {frames.Count} frames with the prompt (mtmd_tokenize returned {status}) {failure}.");
        var needed = chunks.CountPositions() + _options.MaxTokens;
        if (needed > _session.Context.NativeHandle.ContextSize)
        {
            throw new VlmLoadException(
                $"The VLM context holds {_session.Context.NativeHandle.ContextSize} tokens, but {frames.Count} frames, the prompt and " +
                $"{_options.MaxTokens} new tokens need {needed}: raise the context size, or lower frames or max tokens {failure}.");
        }

        return true;
    }

    private static bool HasChatTemplate(LLamaWeights model)
    {
        if (!model.Metadata.ContainsKey("tokenizer.chat_template"))
        {
            return false;
        }

        try
        {
            new LLamaTemplate(model, strict: true) { AddAssistant = true }.Add("user", "x").Apply();
            return true;
        }
        catch (RuntimeError)
        {
            // A Jinja template that llama.cpp's built-in formats do not recognise: the plain prompt is used.
            return false;
        }
    }

    private sealed record Generation(string Text, int Tokens, bool Ended)
    {
        public long ImageTokens { get; init; }

        public TimeSpan Reading { get; init; }

        public TimeSpan Generating { get; init; }
    }
}
