using System.Diagnostics;
using System.Globalization;
using Sonique.Tests.Shared;

namespace Sonique.Files.Tests;

/// <summary>The tests' own temporary folders: one root per test process, and the roots of killed runs swept away.</summary>
public sealed class TempFolderTests
{
    [Fact]
    public void A_test_folder_lives_under_this_processes_root_and_is_gone_after_dispose()
    {
        string root;
        using (var folder = new TempFolder())
        {
            root = folder.Root;
            File.WriteAllText(folder.PathOf("file.txt"), "x");
            Assert.Equal(TempFolder.ProcessRoot, Path.GetDirectoryName(root));
        }

        Assert.Equal(Path.Combine(TempFolder.Parent, Environment.ProcessId.ToString(CultureInfo.InvariantCulture)), TempFolder.ProcessRoot);
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void A_sweep_removes_the_roots_of_ended_processes_and_of_reused_pids_and_keeps_the_rest()
    {
        using var temp = new TempFolder();
        var parent = temp.PathOf("sonique-tests");
        // No process has this pid (Linux's largest is 2^22), so it stands for a test process that was killed.
        var ended = Root(parent, int.MaxValue, started: null);
        File.WriteAllText(Path.Combine(ended, "left-behind.bin"), "x");
        // pid 1 is alive, but it did not start when this root says: its pid was reused.
        var reused = Root(parent, 1, started: 0);
        var living = Root(parent, Environment.ProcessId, started: Process.GetCurrentProcess().StartTime.ToUniversalTime().Ticks);
        var notARoot = Directory.CreateDirectory(Path.Combine(parent, "downloads")).FullName;

        TempFolder.SweepEndedRoots(parent);

        Assert.False(Directory.Exists(ended));
        Assert.False(Directory.Exists(reused));
        Assert.True(Directory.Exists(living));
        Assert.True(Directory.Exists(notARoot));
    }

    private static string Root(string parent, int pid, long? started)
    {
        var root = Directory.CreateDirectory(Path.Combine(parent, pid.ToString(CultureInfo.InvariantCulture))).FullName;
        if (started is { } ticks)
        {
            File.WriteAllText(Path.Combine(root, ".started"), ticks.ToString(CultureInfo.InvariantCulture));
        }

        return root;
    }
}
