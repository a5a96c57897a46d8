namespace Sonique.Llm.Generation;

/// <summary>What <see cref="ChatGenerator"/> loads and how it answers. Decoding is greedy: an answer depends only on
/// the model, the adapter and the prompt.</summary>
public sealed record ChatGeneratorOptions
{
    public required string ModelPath { get; init; }

    /// <summary>A GGUF LoRA adapter applied on top of the model, or null.</summary>
    public string? AdapterPath { get; init; }

    public float AdapterScale { get; init; } = 1f;

    /// <summary>"auto", "chatml", or another name llama.cpp's chat templates know (<see cref="ChatFormat"/>).</summary>
    public string Template { get; init; } = ChatFormat.Auto;

    /// <summary>New tokens at most per answer.</summary>
    public int MaxTokens { get; init; } = 64;

    /// <summary>Null: the length the model was trained for.</summary>
    public uint? ContextSize { get; init; }

    /// <summary>Null: one per logical processor (LLamaSharp's own default is half of them).</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Off by default: on CPU, this llama.cpp build's flash-attention path evaluates a prompt that follows cached
    /// positions about 3.6x slower (stories15M, 50 tokens after 110 cached: 44 ms with it, 12 ms without), which
    /// undoes the shared-prefix cache every answer relies on. Null leaves it to llama.cpp (on where supported).
    /// </summary>
    public bool? FlashAttention { get; init; } = false;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ModelPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokens, 1);
        if (ContextSize is < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextSize), ContextSize, "a context must hold at least 16 tokens");
        }

        if (Threads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be at least 1");
        }
    }
}
