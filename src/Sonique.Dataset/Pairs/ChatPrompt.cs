namespace Sonique.Dataset.Pairs;

/// <summary>The original's system prompt, kept verbatim so that a model fine-tuned here sees the prompt SONIQUE's model saw.</summary>
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
}
