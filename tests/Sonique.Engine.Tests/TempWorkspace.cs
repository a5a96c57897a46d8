using Sonique.Engine.SyntheticPipeline;

namespace Sonique.Engine.Tests;

/// <summary>A real folder on disk for one test, removed afterwards.</summary>
public sealed class TempWorkspace : IDisposable
{
    public TempWorkspace(int items = 0)
    {
        Root = Path.Combine(Path.GetTempPath(), "sonique-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Workspace = new Workspace(Root);
        if (items > 0)
        {
            SyntheticStages.WriteInputs(Root, items);
        }
    }

    public string Root { get; }

    public Workspace Workspace { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    public void Write(string relative, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(relative))!);
        File.WriteAllText(PathOf(relative), text);
    }

    /// <summary>Every file under a folder, relative path to content: for comparing two workspaces exactly.</summary>
    public SortedDictionary<string, string> Snapshot(string folder) =>
        new(Directory.EnumerateFiles(PathOf(folder), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Root, f), File.ReadAllText), StringComparer.Ordinal);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
