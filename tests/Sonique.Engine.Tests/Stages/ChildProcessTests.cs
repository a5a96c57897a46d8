using System.Diagnostics;

namespace Sonique.Engine.Tests.Stages;

/// <summary>The synthetic pipeline run as a real child process, to kill it and to race it.</summary>
[Trait("Tier", "Tool")] // the synthetic pipeline runs as a child process
public sealed class ChildProcessTests : IDisposable
{
    private readonly TempWorkspace _ws = new(items: 20);

    public void Dispose() => _ws.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_run_killed_with_SIGKILL_mid_stage_counts_no_partial_output_and_the_rerun_matches_a_clean_run()
    {
        using var reference = new TempWorkspace(items: 20);
        var clean = await RunToEndAsync(reference.Root);
        Assert.Contains("Transform items=20 fresh=0 ran=20", clean, StringComparison.Ordinal);

        using (var child = Start(_ws.Root, "--delay-ms", "150", "--jobs", "2"))
        {
            var journal = _ws.Workspace.JournalPath;
            while (!File.Exists(journal) || File.ReadAllLines(journal).Length < 4)
            {
                Assert.False(child.HasExited, "the child finished before it could be killed");
                await Task.Delay(20, Ct);
            }

            child.Kill(); // SIGKILL: no handler, no cleanup
            await child.WaitForExitAsync(Ct);
        }

        // The lock file names only manifests that reached the store: each is written before the lock file that names it.
        using (var reader = Pipeline.OpenForReading(_ws.Workspace))
        {
            var store = new ContentStore(_ws.Workspace.StoreDirectory);
            Assert.All(reader.Manifests, m => Assert.True(store.Contains(m), $"the lock file names {m}, which is not in the store"));
        }

        // Whatever reached out/ is whole: staged halves never leave the staging folder.
        var survivors = _ws.Snapshot("out");
        Assert.InRange(survivors.Count, 4, 19);
        foreach (var (path, text) in survivors)
        {
            Assert.Equal(reference.Read(path), text);
        }

        var rerun = await RunToEndAsync(_ws.Root);

        var ran = int.Parse(rerun.Split("Transform items=20 fresh=")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ran, 4, 19); // resumed: the items finished before the kill were kept
        Assert.Equal(reference.Snapshot("out"), _ws.Snapshot("out"));
        Assert.Equal(reference.Read("summary.txt"), _ws.Read("summary.txt"));
        Assert.Equal(File.ReadAllText(reference.Workspace.LockFilePath), File.ReadAllText(_ws.Workspace.LockFilePath));
    }

    [Fact]
    public async Task A_second_concurrent_run_is_refused_with_a_message_naming_the_first()
    {
        using var first = Start(_ws.Root, "--delay-ms", "300", "--jobs", "1");
        while (!File.Exists(_ws.Workspace.RunLockPath + ".owner"))
        {
            await Task.Delay(20, Ct);
        }

        using var second = Start(_ws.Root);
        var error = await second.StandardError.ReadToEndAsync(Ct);
        await second.WaitForExitAsync(Ct);

        Assert.Equal(3, second.ExitCode);
        Assert.Contains("Another Sonique run is using the workspace", error, StringComparison.Ordinal);
        Assert.Contains($"pid {first.Id}", error, StringComparison.Ordinal);
        first.Kill();
        await first.WaitForExitAsync(Ct);
    }

    [Fact]
    public async Task Ctrl_C_stops_cleanly_keeping_finished_items_and_the_rerun_resumes()
    {
        using (var child = Start(_ws.Root, "--delay-ms", "150", "--jobs", "1"))
        {
            while (!File.Exists(_ws.Workspace.JournalPath) || File.ReadAllLines(_ws.Workspace.JournalPath).Length < 2)
            {
                Assert.False(child.HasExited, "the child finished before it could be interrupted");
                await Task.Delay(20, Ct);
            }

            using (var kill = Process.Start("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(Ct);
            }

            await child.WaitForExitAsync(Ct);
            Assert.Equal(130, child.ExitCode);
        }

        Assert.False(File.Exists(_ws.Workspace.JournalPath), "a clean stop folds the journal into the lock file");
        var kept = _ws.Snapshot("out").Count;
        Assert.InRange(kept, 2, 19);
        var rerun = await RunToEndAsync(_ws.Root);
        Assert.Contains($"Transform items=20 fresh={kept} ran={20 - kept}", rerun, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_reads_a_workspace_while_a_run_holds_it_and_shows_that_run_and_its_progress()
    {
        using var run = Start(_ws.Root, "--delay-ms", "200", "--jobs", "1");
        while (!File.Exists(_ws.Workspace.JournalPath) || File.ReadAllLines(_ws.Workspace.JournalPath).Length < 2)
        {
            Assert.False(run.HasExited, "the run finished before Status could look at it");
            await Task.Delay(20, Ct);
        }

        using var status = Start(_ws.Root, "--status");
        var output = await status.StandardOutput.ReadToEndAsync(Ct);
        await status.WaitForExitAsync(Ct);
        Assert.False(run.HasExited, "the run finished while Status looked at it");
        run.Kill();
        await run.WaitForExitAsync(Ct);

        Assert.True(status.ExitCode == 0, output + await status.StandardError.ReadToEndAsync(Ct));
        Assert.Contains($"running: pid {run.Id}", output, StringComparison.Ordinal);
        var done = int.Parse(output.Split("done: Transform ")[1].Split('\n')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(done, 2, 19);
        Assert.Contains("Transform Stale", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_mounted_workspace_with_results_is_refused_as_read_only_and_Status_still_reads_it()
    {
        await RunToEndAsync(_ws.Root);
        var lockBefore = File.ReadAllText(_ws.Workspace.LockFilePath);

        var (refusedCode, refused) = await RunReadOnlyAsync(_ws.Root);
        var (statusCode, status) = await RunReadOnlyAsync(_ws.Root, "--status");

        Assert.Equal(4, refusedCode);
        Assert.Contains("is read-only", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("Another Sonique run", refused, StringComparison.Ordinal);
        Assert.Equal(0, statusCode);
        Assert.Contains("Transform Fresh", status, StringComparison.Ordinal);
        Assert.Contains("Summarize Fresh", status, StringComparison.Ordinal);
        Assert.DoesNotContain("running:", status, StringComparison.Ordinal);
        Assert.Equal(lockBefore, File.ReadAllText(_ws.Workspace.LockFilePath));
    }

    /// <summary>The synthetic pipeline with <paramref name="workspace"/> bind-mounted read-only in a private mount
    /// namespace (unshare -rm: no privilege needed where user namespaces are allowed; the test is skipped where not).
    /// A real read-only file system, because root ignores a chmod'ed one.</summary>
    private static async Task<(int ExitCode, string Output)> RunReadOnlyAsync(string workspace, params string[] extra)
    {
        using (var probe = Process.Start(new ProcessStartInfo("unshare", ["-rm", "true"]) { RedirectStandardError = true, UseShellExecute = false })!)
        {
            await probe.WaitForExitAsync(Ct);
            Assert.SkipWhen(probe.ExitCode != 0, "unshare -rm is not allowed here, so no read-only mount can be made");
        }

        using var child = Start(
            ["unshare", "-rm", "sh", "-c", "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec \"$@\"", "sh", workspace],
            workspace,
            extra);
        var output = await child.StandardOutput.ReadToEndAsync(Ct) + await child.StandardError.ReadToEndAsync(Ct);
        await child.WaitForExitAsync(Ct);
        return (child.ExitCode, output);
    }

    private static async Task<string> RunToEndAsync(string workspace)
    {
        using var child = Start(workspace);
        var output = await child.StandardOutput.ReadToEndAsync(Ct);
        await child.WaitForExitAsync(Ct);
        Assert.True(child.ExitCode == 0, $"the synthetic pipeline failed: {output}{await child.StandardError.ReadToEndAsync(Ct)}");
        return output;
    }

    private static Process Start(string workspace, params string[] extra) => Start([], workspace, extra);

    /// <summary>The synthetic pipeline, started through <paramref name="launcher"/> (a command that ends by running its
    /// remaining arguments) when that is not empty.</summary>
    private static Process Start(string[] launcher, string workspace, string[] extra)
    {
        var info = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in launcher.Skip(1).Concat(launcher.Length > 0 ? ["dotnet"] : []))
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Sonique.Engine.SyntheticPipeline.dll"));
        info.ArgumentList.Add("--workspace");
        info.ArgumentList.Add(workspace);
        foreach (var argument in extra)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}
