using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;
using Sonique.Dataset.Pairs;
using Sonique.Gguf;

namespace Sonique.Llm.Generation;

/// <summary>
/// Answers conversations with a GGUF model through LLamaSharp, greedily, optionally with a LoRA adapter. The weights
/// are loaded once and serve every answer (the original re-loaded its model for every video). Answers share one
/// llama.cpp context, so they are produced one at a time; the cached prompt prefix they share (the system text) is
/// evaluated once, not once per answer.
/// </summary>
public sealed class ChatGenerator : IDisposable
{
    private readonly ChatGeneratorOptions _options;
    private readonly LLamaWeights _model;
    private readonly LLamaContext _context;
    private readonly LoraAdapter? _adapter;
    private readonly SemaphoreSlim _native = new(1, 1);
    private readonly List<LLamaToken> _cached = [];
    private bool _disposed;

    private ChatGenerator(ChatGeneratorOptions options, LLamaWeights model, LLamaContext context, LoraAdapter? adapter, ChatFormat format)
    {
        _options = options;
        _model = model;
        _context = context;
        _adapter = adapter;
        Format = format;
    }

    public ChatFormat Format { get; }

    /// <summary>The positions a prompt and its answer may take together.</summary>
    public int ContextSize => (int)_context.NativeHandle.ContextSize;

    /// <summary>Checks the files before native code sees them (llama.cpp only says "failed to load"), then loads.</summary>
    public static async Task<ChatGenerator> LoadAsync(ChatGeneratorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        LlamaLog.WarningsOnly();
        var modelPath = Path.GetFullPath(options.ModelPath);
        var adapterPath = options.AdapterPath is null ? null : Path.GetFullPath(options.AdapterPath);
        await CheckAsync(modelPath, "model", expectAdapter: false, cancellationToken);
        if (adapterPath is not null)
        {
            await CheckAsync(adapterPath, "LoRA adapter", expectAdapter: true, cancellationToken);
        }

        var threads = options.Threads ?? Environment.ProcessorCount;
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = options.ContextSize ?? 0,
            Threads = threads,
            BatchThreads = threads,
            FlashAttention = options.FlashAttention,
        };

        LLamaWeights? model = null;
        LLamaContext? context = null;
        try
        {
            model = await Native($"Loading the model '{modelPath}' failed", () => LLamaWeights.LoadFromFileAsync(parameters, cancellationToken));
            var loaded = model;
            context = await Native($"Creating a context for '{modelPath}' failed", () => Task.FromResult(loaded.CreateContext(parameters)));
            LoraAdapter? adapter = null;
            if (adapterPath is not null)
            {
                adapter = await Native($"Loading the LoRA adapter '{adapterPath}' onto '{modelPath}' failed", () => Task.FromResult(loaded.NativeHandle.LoadLoraFromFile(adapterPath)));
                context.NativeHandle.SetLoraAdapters([(adapter, options.AdapterScale)]);
            }

            ChatFormat format;
            try
            {
                format = ChatFormat.For(options.Template, model);
            }
            catch (ArgumentException e)
            {
                throw new LlmLoadException($"The chat template for '{modelPath}': {e.Message}", e);
            }

            return new ChatGenerator(options, model, context, adapter, format);
        }
        catch
        {
            context?.Dispose();
            model?.Dispose();
            throw;
        }
    }

    /// <summary>The assistant's answer to <paramref name="conversation"/> (system and user turns).</summary>
    public async Task<GeneratedAnswer> AnswerAsync(IReadOnlyList<ChatMessage> conversation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var prompt = Format.Render(conversation, addAssistant: true);
        await _native.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await Task.Run(() => Answer(prompt, cancellationToken), cancellationToken);
        }
        finally
        {
            _native.Release();
        }
    }

    /// <summary>Greedily continues plain text, with no chat template: what a base model "knows".</summary>
    public async Task<GeneratedAnswer> ContinueAsync(string text, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _native.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await Task.Run(() => Answer(text, cancellationToken, stops: []), cancellationToken);
        }
        finally
        {
            _native.Release();
        }
    }

    /// <summary>The prompt's tokens, as the model will see them.</summary>
    public IReadOnlyList<LLamaToken> Tokenize(string prompt) => PromptTokens.Of(_model, prompt);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _native.Wait();
        try
        {
            _disposed = true;
            _context.Dispose();
            _model.Dispose();
        }
        finally
        {
            _native.Release();
        }

        _native.Dispose();
    }

    private GeneratedAnswer Answer(string prompt, CancellationToken cancellationToken, IReadOnlyList<string>? stops = null)
    {
        stops ??= Format.StopStrings;
        var started = Stopwatch.GetTimestamp();
        var tokens = Tokenize(prompt);
        var needed = tokens.Count + _options.MaxTokens;
        if (needed > ContextSize)
        {
            throw new InvalidOperationException(
                $"the prompt is {tokens.Count} tokens and up to {_options.MaxTokens} may follow, but the context holds {ContextSize}: shorten the text, lower max_tokens or raise context_size");
        }

        var past = Prefill(tokens, cancellationToken);
        var handle = _context.NativeHandle;
        using var sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        sampler.AddGreedySampler();
        var decoder = new StreamingTokenDecoder(_context);
        var text = new System.Text.StringBuilder();
        var batch = new LLamaBatch();
        for (var generated = 0; generated < _options.MaxTokens; generated++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = sampler.Sample(handle, -1);
            if (token.IsEndOfGeneration(_context.Vocab))
            {
                return Done(text.ToString(), AnswerEnd.EndToken, generated);
            }

            decoder.Add(token);
            text.Append(decoder.Read());
            if (Stop(text, stops) is { } cut)
            {
                return Done(text.ToString(0, cut), AnswerEnd.StopString, generated + 1);
            }

            if (generated + 1 == _options.MaxTokens)
            {
                break;
            }

            batch.Clear();
            batch.Add(token, past, LLamaSeqId.Zero, true);
            _cached.Add(token);
            past++;
            var result = handle.Decode(batch);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama_decode failed after {generated + 1} answer tokens: {result}");
            }
        }

        return Done(text.ToString(), AnswerEnd.TokenLimit, _options.MaxTokens);

        GeneratedAnswer Done(string answer, AnswerEnd end, int count) =>
            new(answer, tokens.Count, count, end, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Evaluates the prompt, reusing the cached positions it shares with the previous one (at least its
    /// last token is evaluated again, for its logits). Returns the next free position.</summary>
    private int Prefill(IReadOnlyList<LLamaToken> tokens, CancellationToken cancellationToken)
    {
        var handle = _context.NativeHandle;
        var shared = 0;
        while (shared < _cached.Count && shared < tokens.Count - 1 && _cached[shared] == tokens[shared])
        {
            shared++;
        }

        handle.MemorySequenceRemove(LLamaSeqId.Zero, shared, -1);
        _cached.RemoveRange(shared, _cached.Count - shared);
        var batchSize = (int)handle.BatchSize;
        var batch = new LLamaBatch();
        for (var start = shared; start < tokens.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            var end = Math.Min(tokens.Count, start + batchSize);
            for (var i = start; i < end; i++)
            {
                batch.Add(tokens[i], i, LLamaSeqId.Zero, i == tokens.Count - 1);
            }

            var result = handle.Decode(batch);
            if (result != DecodeResult.Ok)
            {
                handle.MemorySequenceRemove(LLamaSeqId.Zero, start, -1);
                throw new InvalidOperationException($"llama_decode failed on the prompt: {result}");
            }

            _cached.AddRange(tokens.Skip(start).Take(end - start));
        }

        return tokens.Count;
    }

    /// <summary>Where the first stop string starts in the answer, or null.</summary>
    private static int? Stop(System.Text.StringBuilder text, IReadOnlyList<string> stops)
    {
        if (stops.Count == 0)
        {
            return null;
        }

        var value = text.ToString();
        int? first = null;
        foreach (var stop in stops)
        {
            var at = value.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first is null || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    private static async Task CheckAsync(string path, string what, bool expectAdapter, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new LlmLoadException($"The {what} '{path}' does not exist.");
        }

        GgufFile file;
        try
        {
            file = await GgufFile.ReadAsync(path, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new LlmLoadException($"The {what} '{path}' cannot be used: {e.Message}", e);
        }

        var isAdapter = file.TryGet("general.type")?.Raw as string == "adapter";
        if (isAdapter != expectAdapter)
        {
            throw new LlmLoadException(expectAdapter
                ? $"The LoRA adapter '{path}' is not an adapter: its GGUF header has no general.type \"adapter\" (is it a whole model?)."
                : $"The model '{path}' is a LoRA adapter (general.type \"adapter\"): give it as the adapter, with its base model as the model.");
        }
    }

    private static async Task<T> Native<T>(string failure, Func<Task<T>> load)
    {
        try
        {
            return await load();
        }
        catch (Exception e) when (e is not OperationCanceledException and not LlmLoadException)
        {
            // llama.cpp gives its reason only in its log (standard error), not to the caller.
            throw new LlmLoadException($"{failure}: {e.GetBaseException().Message}; llama.cpp's log above says why.", e);
        }
    }
}
