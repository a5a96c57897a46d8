using LLama;
using LLama.Common;

namespace Sonique.Llm;

/// <summary>
/// A GGUF model loaded into llama.cpp with one context on it, and whatever was loaded onto the weights (a projector,
/// an adapter): the lifecycle the chat generator and the VLM describer share. A native failure while loading becomes
/// the caller's own exception, worded by the caller, because llama.cpp gives its reason only in its log. A context is
/// not thread-safe, so native work runs one call at a time, and <see cref="Dispose"/> waits for the call in progress:
/// the native weights must outlive it.
/// </summary>
public sealed class LlamaSession : IDisposable
{
    private readonly Func<string, Exception, Exception> _loadFailure;
    private readonly Func<Exception, bool> _isLoadFailure;
    private readonly List<IDisposable> _loadedOnto = [];
    private readonly SemaphoreSlim _native = new(1, 1);
    private LLamaContext? _context;
    private bool _disposed;

    private LlamaSession(LLamaWeights model, Func<string, Exception, Exception> loadFailure, Func<Exception, bool> isLoadFailure)
    {
        Model = model;
        _loadFailure = loadFailure;
        _isLoadFailure = isLoadFailure;
    }

    public LLamaWeights Model { get; }

    public LLamaContext Context => _context ?? throw new InvalidOperationException("No context yet: call CreateContext after loading.");

    /// <summary>
    /// Loads the weights. A native failure is thrown as <paramref name="loadFailure"/>(<paramref name="failure"/> and
    /// the native message, the cause); the caller's own <typeparamref name="TLoadException"/> and cancellation pass unchanged.
    /// </summary>
    public static async Task<LlamaSession> LoadAsync<TLoadException>(
        ModelParams parameters, string failure, Func<string, Exception, TLoadException> loadFailure, CancellationToken cancellationToken)
        where TLoadException : Exception
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(loadFailure);
        static bool IsLoadFailure(Exception e) => e is TLoadException;
        var model = await NativeAsync(failure, () => LLamaWeights.LoadFromFileAsync(parameters, cancellationToken), loadFailure, IsLoadFailure);
        return new LlamaSession(model, loadFailure, IsLoadFailure);
    }

    /// <summary>Loads something onto the weights (a projector, a LoRA adapter); a disposable one is disposed with the
    /// session, after the context and before the weights.</summary>
    public async Task<T> LoadOntoAsync<T>(string failure, Func<LLamaWeights, Task<T>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var loaded = await LoadStepAsync(failure, () => load(Model));
        if (loaded is IDisposable disposable)
        {
            _loadedOnto.Add(disposable);
        }

        return loaded;
    }

    public async Task CreateContextAsync(ModelParams parameters, string failure)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_context is not null)
        {
            throw new InvalidOperationException("The session has its context already.");
        }

        _context = await LoadStepAsync(failure, () => Task.FromResult(Model.CreateContext(parameters)));
    }

    /// <summary>A native step of loading (a check that runs the model, say), its failures worded as the load's.</summary>
    public Task<T> LoadStepAsync<T>(string failure, Func<Task<T>> step) => NativeAsync(failure, step, _loadFailure, _isLoadFailure);

    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Runs native work on a worker thread once no other call is using the context.</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await _native.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            return await Task.Run(work, cancellationToken);
        }
        finally
        {
            _native.Release();
        }
    }

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
            _context?.Dispose();
            for (var i = _loadedOnto.Count - 1; i >= 0; i--)
            {
                _loadedOnto[i].Dispose();
            }

            Model.Dispose();
        }
        finally
        {
            _native.Release();
        }

        _native.Dispose();
    }

    private static async Task<T> NativeAsync<T>(string failure, Func<Task<T>> step, Func<string, Exception, Exception> loadFailure, Func<Exception, bool> isLoadFailure)
    {
        try
        {
            return await step();
        }
        catch (Exception e) when (e is not OperationCanceledException && !isLoadFailure(e))
        {
            // llama.cpp gives its reason only in its log (standard error), not to the caller.
            throw loadFailure($"{failure}: {e.GetBaseException().Message}; llama.cpp's log above says why.", e);
        }
    }
}
