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
    private readonly LlamaSession _session;
    private readonly List<LLamaToken> _cached = [];

    private ChatGenerator(ChatGeneratorOptions options, LlamaSession session, ChatFormat format)
    {
        _options = options;
        _session = session;
        Format = format;
    }

    public ChatFormat Format { get; }

    /// <summary>The positions a prompt and its answer may take together.</summary>
    public int ContextSize => (int)_session.Context.NativeHandle.ContextSize;

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

        var session = await LlamaSession.LoadAsync(parameters, $"Loading the model '{modelPath}' failed", (message, cause) => new LlmLoadException(message, cause), cancellationToken);
        try
        {
            await session.CreateContextAsync(parameters, $"Creating a context for '{modelPath}' failed");
            if (adapterPath is not null)
            {
                var adapter = await session.LoadOntoAsync($"Loading the LoRA adapter '{adapterPath}' onto '{modelPath}' failed", model => Task.FromResult(model.NativeHandle.LoadLoraFromFile(adapterPath)));
                session.Context.NativeHandle.SetLoraAdapters([(adapter, options.AdapterScale)]);
            }

            ChatFormat format;
            try
            {
                format = ChatFormat.For(options.Template, session.Model);
            }
            catch (ArgumentException e)
            {
                throw new LlmLoadException($"The chat template for '{modelPath}': {e.Message}", e);
            }

            return new ChatGenerator(options, session, format);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The assistant's answer to <paramref name="conversation"/> (system and user turns).</summary>
    public async Task<GeneratedAnswer> AnswerAsync(IReadOnlyList<ChatMessage> conversation, CancellationToken cancellationToken)
    {
        _session.ThrowIfDisposed();
        var prompt = Format.Render(conversation, addAssistant: true);
        return await _session.RunAsync(() => Answer(prompt, cancellationToken), cancellationToken);
    }

    /// <summary>Greedily continues plain text, with no chat template: what a base model "knows".</summary>
    public Task<GeneratedAnswer> ContinueAsync(string text, CancellationToken cancellationToken) =>
        _session.RunAsync(() => Answer(text, cancellationToken, stops: []), cancellationToken);

    /// <summary>The prompt's tokens, as the model will see them.</summary>
    public IReadOnlyList<LLamaToken> Tokenize(string prompt) => PromptTokens.Of(_session.Model, prompt);

    /// <summary>Waits for an answer in progress: the native weights must outlive it.</summary>
    public void Dispose() => _session.Dispose();

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
        var handle = _session.Context.NativeHandle;
        using var sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        sampler.AddGreedySampler();
        var decoder = new StreamingTokenDecoder(_session.Context);
        var text = new System.Text.StringBuilder();
        var batch = new LLamaBatch();
        for (var generated = 0; generated < _options.MaxTokens; generated++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = sampler.Sample(handle, -1);
            if (token.IsEndOfGeneration(_session.Context.Vocab))
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
        var handle = _session.Context.NativeHandle;
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
}
