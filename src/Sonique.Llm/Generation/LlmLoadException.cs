namespace Sonique.Llm.Generation;

/// <summary>A model or adapter that cannot be used; the message names the file and why.</summary>
public sealed class LlmLoadException : Exception
{
    public LlmLoadException()
    {
    }

    public LlmLoadException(string message)
        : base(message)
    {
    }

    public LlmLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
