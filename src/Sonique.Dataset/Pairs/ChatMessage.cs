namespace Sonique.Dataset.Pairs;

/// <summary>One turn of a chat conversation, as the fine-tuning data lists it.</summary>
/// <param name="Role">"system", "user" or "assistant" in what this project writes; read back as found.</param>
/// <param name="Content">The turn's text, which may hold any character, lone surrogates included.</param>
public sealed record ChatMessage(string Role, string Content);
