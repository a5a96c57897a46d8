namespace Sonique.Benchmarks;

/// <summary>Progress goes to stderr, so that stdout carries only the Markdown.</summary>
internal static class Progress
{
    public static void Say(string message) => Console.Error.WriteLine("bench: " + message);
}
