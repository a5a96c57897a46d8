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
}
