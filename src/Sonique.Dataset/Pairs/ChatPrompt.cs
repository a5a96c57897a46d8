namespace Sonique.Dataset.Pairs;

/// <summary>The original's prompt, kept verbatim so that a model fine-tuned here sees the prompt SONIQUE's model saw.</summary>
public static class ChatPrompt
{
    /// <summary>
    /// The system turn of every conversation. The doubled braces and the single quotes are the original's literal text
    /// (its string was not a format string), so they stay as they are.
    /// </summary>
    public const string SystemText =
        "As a music composer fluent in English, you're tasked with creating background music for video. "
        + "Based on the scene described, provide only one set of tags in English that describe this background music for the video. "
        + "These tags must include instruments, music genres, and tempo rate(e.g. 90 BPM). Avoid any non-English words. "
        + "Please return the tags in the following JSON structure: {{'tags': ['tag1', 'tag2', 'tag3']}}";

    /// <summary>SONIQUE asked Mistral-7B-Instruct with the same words through a Python f-string, which made the
    /// doubled braces single.</summary>
    private static readonly string InlineInstructions =
        SystemText.Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal);

    /// <summary>
    /// The question about one scene, up to where the assistant answers: what a model is asked at generation time.
    /// </summary>
    public static ChatMessage[] Question(string description, TagPromptStyle style)
    {
        ArgumentNullException.ThrowIfNull(description);
        return style switch
        {
            TagPromptStyle.SystemTurn => [new("system", SystemText), new("user", description)],
            TagPromptStyle.Inline => [new("user", InlineInstructions + " Input: " + description)],
            _ => throw new ArgumentOutOfRangeException(nameof(style), style, "not a prompt style"),
        };
    }
}

/// <summary>Where the instructions go in the question a model is asked.</summary>
public enum TagPromptStyle
{
    /// <summary>The system text as a system turn, the description as the user turn: the fine-tuning data's own form,
    /// which a model fine-tuned on it expects.</summary>
    SystemTurn,

    /// <summary>One user turn, the instructions then "Input: " and the description: how SONIQUE's inference asked
    /// Mistral-7B-Instruct, whose template has no system role.</summary>
    Inline,
}
