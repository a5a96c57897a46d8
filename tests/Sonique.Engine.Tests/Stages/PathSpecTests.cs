using Sonique.Tests.Shared;

namespace Sonique.Engine.Tests.Stages;

public sealed class PathSpecTests : IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly string _outside = TempFolder.Create("outside-");

    public void Dispose()
    {
        _temp.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    [Trait("Tier", "Tool")] // bash writes a file name that is not UTF-8, which .NET cannot
    public void An_input_folder_follows_no_link_out_of_the_workspace_ends_link_loops_and_skips_what_cannot_be_opened()
    {
        _temp.Write("media/a.txt", "a");
        _temp.Write("media/sub/b.txt", "b");
        _temp.Write("elsewhere/c.txt", "c");
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
        File.CreateSymbolicLink(_temp.PathOf("media/loop"), ".");
        File.CreateSymbolicLink(_temp.PathOf("media/outside"), _outside);
        File.CreateSymbolicLink(_temp.PathOf("media/secret.txt"), Path.Combine(_outside, "secret.txt"));
        File.CreateSymbolicLink(_temp.PathOf("media/broken.txt"), "nothing-here.txt");
        File.CreateSymbolicLink(_temp.PathOf("media/inside"), "../elsewhere");
        File.CreateSymbolicLink(_temp.PathOf("linked"), _outside);
        // A name that is not UTF-8: .NET sees it with U+FFFD and cannot open it by that name.
        using var latin1 = System.Diagnostics.Process.Start("bash", ["-c", "printf x > \"$1/caf$(printf '\\351').txt\"", "bash", _temp.PathOf("media")])!;
        latin1.WaitForExit();
        Assert.Equal(0, latin1.ExitCode);
        Assert.Contains(Directory.EnumerateFiles(_temp.PathOf("media")), f => f.Contains('\uFFFD', StringComparison.Ordinal));

        var files = PathSpec.Expand(_temp.Workspace, "media/").Order(StringComparer.Ordinal);

        Assert.Equal(["media/a.txt", "media/inside/c.txt", "media/sub/b.txt"], files);
        Assert.Empty(PathSpec.Expand(_temp.Workspace, "linked/"));
    }

    [Fact]
    public void An_input_folder_lists_its_files_workspace_relative_however_the_folder_is_written()
    {
        _temp.Write("a.txt", "a");
        _temp.Write("d/b.txt", "b");
        _temp.Write("d/e/c.txt", "c");

        Assert.Equal(["d/b.txt", "d/e/c.txt"], PathSpec.Expand(_temp.Workspace, "d/").Order(StringComparer.Ordinal));
        Assert.Equal(["d/b.txt", "d/e/c.txt"], PathSpec.Expand(_temp.Workspace, "./d//").Order(StringComparer.Ordinal));
        Assert.Equal(["d/e/c.txt"], PathSpec.Expand(_temp.Workspace, "d/e/"));
    }
}
