namespace Sonique.Llm.Generation;

/// <summary>Why an answer ended.</summary>
public enum AnswerEnd
{
    /// <summary>The model's end-of-generation token.</summary>
    EndToken,

    /// <summary>One of the format's stop strings, which is cut off.</summary>
    StopString,

    /// <summary>The token limit.</summary>
    TokenLimit,
}

/// <summary>One answer: its text, the prompt's and the answer's token counts, and how it ended.</summary>
public sealed record GeneratedAnswer(string Text, int PromptTokens, int Tokens, AnswerEnd End, TimeSpan Elapsed);
