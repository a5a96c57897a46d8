using Sonique.Files;
using Sonique.Tests.Shared;

namespace Sonique.Engine.Tests;

public sealed class WorkspaceTests
{
    private readonly Workspace _workspace = new(Path.Combine(Path.GetTempPath(), "ws"));

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("/etc/passwd")]
    [InlineData("a\0b")]
    public void Paths_that_leave_the_workspace_are_refused(string path)
    {
        var error = Assert.Throws<UnsafePathException>(() => _workspace.Resolve(path));
        Assert.Contains("Refusing path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_inside_are_resolved_and_made_relative_again()
    {
        var full = _workspace.Resolve("artifacts/clips/../clips/x.mp4");

        Assert.Equal(Path.Combine(_workspace.Root, "artifacts", "clips", "x.mp4"), full);
        Assert.Equal("artifacts/clips/x.mp4", _workspace.Relative(full));
    }

    [Fact]
    public void A_sibling_folder_whose_name_starts_like_the_workspace_is_outside()
    {
        Assert.False(_workspace.IsInside(_workspace.Root + "-other/file"));
    }

    [Fact]
    public void A_link_is_inside_only_when_its_real_target_is_and_a_loop_is_an_error()
    {
        using var temp = new TempWorkspace();
        var outside = TempFolder.Create("outside-");
        try
        {
            temp.Write("a/file.txt", "x");
            File.CreateSymbolicLink(temp.PathOf("in"), "a");
            File.CreateSymbolicLink(temp.PathOf("out"), outside);
            // ".." after a link climbs from the link's target, as the kernel does, not from the link's name.
            Directory.CreateDirectory(Path.Combine(outside, "deep"));
            File.CreateSymbolicLink(temp.PathOf("a/deep"), Path.Combine(outside, "deep"));
            File.CreateSymbolicLink(temp.PathOf("a/up"), "deep/..");
            File.CreateSymbolicLink(temp.PathOf("loop1"), "loop2");
            File.CreateSymbolicLink(temp.PathOf("loop2"), "loop1");

            Assert.True(temp.Workspace.ResolvesInside(temp.PathOf("in/file.txt")));
            Assert.Equal(temp.PathOf("a/file.txt"), Workspace.RealPath(temp.PathOf("in/file.txt")));
            Assert.True(temp.Workspace.ResolvesInside(temp.PathOf("a/not-yet-written.txt")));
            Assert.False(temp.Workspace.ResolvesInside(temp.PathOf("out/x.txt")));
            Assert.Equal(outside, Workspace.RealPath(temp.PathOf("a/up")));
            Assert.False(temp.Workspace.ResolvesInside(temp.PathOf("a/up/x")));
            Assert.Throws<IOException>(() => temp.Workspace.ResolvesInside(temp.PathOf("loop1")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}
