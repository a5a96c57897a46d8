namespace Sonique.Tests.Shared;

/// <summary>The checkout the tests were built from: the tests that compare a committed file (the README, a profile)
/// with what the code generates read it there.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(System.IO.Path.Combine(root, "Sonique.sln")))
        {
            root = System.IO.Path.GetDirectoryName(root) ?? throw new InvalidOperationException($"No Sonique.sln above {AppContext.BaseDirectory}.");
        }

        return root;
    }
}
