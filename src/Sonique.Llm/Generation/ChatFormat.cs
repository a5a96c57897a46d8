using System.Text;
using LLama;
using LLama.Exceptions;
using Sonique.Dataset.Pairs;

namespace Sonique.Llm.Generation;

/// <summary>
/// How a conversation becomes prompt text: one of llama.cpp's built-in chat templates by name ("chatml" for a
/// SONIQUE-style adapter, "llama2" or "mistral-v1" for Mistral-7B-Instruct), or the template in the GGUF's own
/// metadata. Rendering goes through llama.cpp's <c>llama_chat_apply_template</c>, so the text is what llama.cpp's
/// own tools would build.
/// </summary>
public sealed class ChatFormat
{
    public const string Auto = "auto";
    public const string ChatMl = "chatml";

    /// <summary>Names <c>llama_chat_apply_template</c> knows in the bundled llama.cpp (a selection: any it knows works).</summary>
    public static IReadOnlyList<string> KnownNames { get; } =
        ["chatml", "llama2", "llama2-sys", "llama2-sys-bos", "llama2-sys-strip", "mistral-v1", "mistral-v3", "mistral-v3-tekken", "mistral-v7", "phi3", "zephyr", "gemma", "llama3", "vicuna", "deepseek", "command-r", "openchat"];

    private readonly Func<LLamaTemplate> _create;

    private ChatFormat(string name, Func<LLamaTemplate> create, IReadOnlyList<string> stops)
    {
        Name = name;
        _create = create;
        StopStrings = stops;
    }

    /// <summary>"chatml", another llama.cpp name, or "gguf" when the model's own template is used.</summary>
    public string Name { get; }

    /// <summary>Text that ends the answer even when the model has no special token for it (a small base model writes
    /// "&lt;|im_end|&gt;" as plain text).</summary>
    public IReadOnlyList<string> StopStrings { get; }

    /// <summary>
    /// The format for <paramref name="requested"/>: "auto" takes the model's own template when it has one that
    /// llama.cpp understands, otherwise ChatML (what SONIQUE fine-tuned with).
    /// </summary>
    public static ChatFormat For(string requested, LLamaWeights model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requested);
        ArgumentNullException.ThrowIfNull(model);
        if (requested == Auto)
        {
            return HasUsableTemplate(model)
                ? new ChatFormat("gguf", () => new LLamaTemplate(model, strict: true), StopsOf(model.Metadata.GetValueOrDefault("tokenizer.chat_template") ?? string.Empty))
                : Named(ChatMl);
        }

        return Named(requested);
    }

    public static ChatFormat Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var format = new ChatFormat(name, () => new LLamaTemplate(name), StopsOf(name));
        try
        {
            format.Render([new ChatMessage("user", "x")], addAssistant: true);
        }
        catch (RuntimeError e)
        {
            throw new ArgumentException($"'{name}' is not a chat template that llama.cpp knows (for example: {string.Join(", ", KnownNames)}, or \"{Auto}\")", nameof(name), e);
        }

        return format;
    }

    /// <summary>The prompt text; with <paramref name="addAssistant"/>, ending where the assistant's answer begins.</summary>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addAssistant)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var template = _create();
        template.AddAssistant = addAssistant;
        foreach (var message in messages)
        {
            template.Add(message.Role, message.Content);
        }

        return Encoding.UTF8.GetString(template.Apply());
    }

    private static bool HasUsableTemplate(LLamaWeights model)
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
            return false;
        }
    }

    private static string[] StopsOf(string template) =>
        template.Contains("im_end", StringComparison.Ordinal) || template == ChatMl ? ["<|im_end|>", "<|im_start|>"] : [];
}
