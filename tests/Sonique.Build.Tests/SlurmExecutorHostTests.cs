using System.Text;
using Sonique.Build.Host;
using Sonique.Cluster;
using Sonique.Engine;
using Sonique.Tests.Shared;
using Sonique.Tests.Fixtures;
using Sonique.Tests.Shared.Servers;
using Sonique.Training;

namespace Sonique.Build.Tests;

/// <summary>
/// <c>--executor=slurm</c> end to end on a real one-node cluster: the host on the login node submits SampleLibrary's,
/// Download's and TagAudio's stale clips as job arrays whose tasks are this same host running their shard, and Collect
/// (a unit stage told off the login node) as a job of one task, and the workspace ends byte-identical to a local run's.
/// </summary>
[Trait("Tier", "Tool")] // slurmctld, slurmd, slurm-client and munge (./build.sh --target=Test installs them); about 15 s
public sealed class SlurmExecutorHostTests() : OnSlurmCluster("sh-")
{
    [Fact]
    public async Task Sample_clips_through_Slurm_give_the_local_runs_artifacts_and_lock_and_a_second_run_submits_nothing()
    {
        var local = Directory.CreateDirectory(Folder.PathOf("local")).FullName;
        var cluster = Directory.CreateDirectory(Folder.PathOf("cluster-run")).FullName;
        Assert.Equal(0, await SoniqueHost.RunAsync([$"--workspace={local}", $"--config={await WriteProfileAsync(local)}", "--target=TagAudio", "--jobs=2"]));

        var first = await RunOnClusterAsync(cluster);
        var jobs = JobRecords(cluster);
        // Collect, a unit stage, is told off the login node: one job of one task.
        Assert.Equal(["SampleLibrary", "Collect", "Download", "TagAudio"], jobs.Select(j => j.Stage));
        Assert.Equal(["2", "1", "2", "2"], jobs.Select(j => j.Tasks)); // 4 clips, 2 per array task
        Assert.Contains("array task(s), logs ", first, StringComparison.Ordinal);
        var shard = Directory.EnumerateFiles(SlurmExecutor.SlurmFolder(new Workspace(cluster)), "TagAudio-*.log", SearchOption.AllDirectories).First();
        Assert.Contains("TagAudio: 2 item(s): 2 ran", await File.ReadAllTextAsync(shard, Ct), StringComparison.Ordinal);

        Assert.Equal(Outputs(local), Outputs(cluster));

        var second = await RunOnClusterAsync(cluster);
        Assert.Single(JobRecordFiles(cluster));
        Assert.DoesNotContain("array task(s)", second, StringComparison.Ordinal);
        Assert.Contains("TagAudio: 4 item(s): 4 fresh", second, StringComparison.Ordinal);
        Assert.Equal(Outputs(local), Outputs(cluster));
    }

    [Fact]
    [Trait("Tier", "Slow")] // a job per stage and 6 array tasks on a 2-CPU cluster, the host started a dozen times: over a minute
    public async Task Detached_the_graph_is_queued_at_once_Status_shows_the_jobs_a_rerun_is_refused_and_the_jobs_leave_the_local_result()
    {
        var local = Directory.CreateDirectory(Folder.PathOf("local")).FullName;
        var cluster = Directory.CreateDirectory(Folder.PathOf("cluster-run")).FullName;
        Assert.Equal(0, await SoniqueHost.RunAsync([$"--workspace={local}", $"--config={await WriteProfileAsync(local)}", "--target=TagAudio", "--jobs=2"]));

        var detached = await RunOnClusterAsync(cluster, "--detach");
        Assert.Contains("Submitted, each after the one before: SampleLibrary (job ", detached, StringComparison.Ordinal);
        var jobs = await SlurmExecutor.RecordedLiveJobsAsync(new Workspace(cluster), Ct);
        Assert.Equal(["SampleLibrary", "Collect", "Download", "TagAudio"], jobs.Select(j => j.Stage));
        // Chained: each waits for the one before it.
        var dependencies = await Cluster.RunAsync("squeue", ["-h", "-j", string.Join(',', jobs.Select(j => j.Job)), "-o", "%i|%E"], Ct);
        Assert.Contains($"{jobs[3].Job}|afterok:{jobs[2].Job}", dependencies, StringComparison.Ordinal);

        var status = await RunOnClusterAsync(cluster, "--target=Status");
        Assert.Contains($"Slurm job {jobs[3].Job} (TagAudio, run ", status, StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RunOnClusterAsync(cluster));
        Assert.Matches("Slurm jobs of an earlier run are still queued or running|Another Sonique run is using the workspace", refused.Message);

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while ((await Cluster.RunAsync("squeue", ["-h", "-o", "%i"], Ct)).Trim().Length > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the detached run's jobs did not end in 5 minutes");
            await Task.Delay(1000, Ct);
        }

        Assert.Equal(Outputs(local), Outputs(cluster));
        var after = await RunOnClusterAsync(cluster, "--target=Status");
        Assert.Contains("TagAudio: fresh", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Slurm job", after, StringComparison.Ordinal);
        Assert.Contains("Nothing to submit", await RunOnClusterAsync(cluster, "--detach"), StringComparison.Ordinal);
    }

    /// <summary>The host as a login node runs it, in its own process, its Slurm clients pointed at the test cluster.</summary>
    private async Task<string> RunOnClusterAsync(string workspace, params string[] more)
    {
        var output = await ExternalTool.RunAsync(
            "/usr/bin/env",
            [
                .. Cluster.Environment.Select(variable => $"{variable.Key}={variable.Value}"),
                TrainerProcess.DotNetHost(),
                Path.Combine(AppContext.BaseDirectory, "Sonique.Build.dll"),
                $"--workspace={workspace}",
                $"--config={await WriteProfileAsync(workspace)}",
                "--target=TagAudio",
                "--jobs=2",
                "--executor=slurm",
                .. more,
            ],
            Ct);
        var text = Encoding.UTF8.GetString(output);
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        return text;
    }

    private static async Task<string> WriteProfileAsync(string workspace)
    {
        var path = Path.Combine(workspace, "profile.yaml");
        await File.WriteAllTextAsync(path, """
            samples:
              count: 4
              seconds: 4
              seed: 5
            download:
              seconds: 4
              min_seconds: 2
            slurm:
              items_per_task: 2
              poll_seconds: 0.2
              stages:
                Collect: {on_login_node: false}
            """, Ct);
        return path;
    }

    private static List<string> JobRecordFiles(string workspace) =>
        [.. Directory.EnumerateFiles(SlurmExecutor.SlurmFolder(new Workspace(workspace)), "jobs.tsv", SearchOption.AllDirectories)];

    private static List<(string Stage, string Tasks)> JobRecords(string workspace) =>
        [.. File.ReadLines(Assert.Single(JobRecordFiles(workspace))).Select(line => line.Split('\t')).Select(f => (f[0], f[3]))];

    /// <summary>Every artifact and the lock file, by path, with its bytes.</summary>
    private static SortedDictionary<string, string> Outputs(string workspace) =>
        new(Directory.EnumerateFiles(Path.Combine(workspace, "artifacts"), "*", SearchOption.AllDirectories)
            .Append(Path.Combine(workspace, "sonique.lock"))
            .ToDictionary(f => Path.GetRelativePath(workspace, f), f => Convert.ToHexString(File.ReadAllBytes(f))), StringComparer.Ordinal);
}
