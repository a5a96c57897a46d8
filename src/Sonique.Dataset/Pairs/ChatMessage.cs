namespace Sonique.Dataset.Pairs;

public sealed record ChatMessage(string Role, string Content);
