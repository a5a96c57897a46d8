using Sonique.Engine.SyntheticPipeline;
using Sonique.Tests.Shared;

namespace Sonique.Engine.Tests;

/// <summary>A workspace in a <see cref="TempFolder"/> for one test, removed afterwards.</summary>
public sealed class TempWorkspace : IDisposable
{
    private readonly TempFolder _folder = new("workspace-");

    public TempWorkspace(int items = 0)
    {
        Workspace = new Workspace(Root);
        if (items > 0)
        {
            SyntheticStages.WriteInputs(Root, items);
        }
    }

    public string Root => _folder.Root;

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

    public void Dispose() => _folder.Dispose();
}
