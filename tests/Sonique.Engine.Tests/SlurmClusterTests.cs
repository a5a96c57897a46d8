using System.Diagnostics;
using System.Globalization;
using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Servers;

namespace Sonique.Engine.Tests;

/// <summary>The Slurm executor's test cluster, started for real: it runs, cancels and times out jobs, hands out its
/// fake GPUs, and leaves no process behind.</summary>
[Trait("Tier", "Tool")] // slurmctld, slurmd, slurm-client and munge from Debian's packages (./build.sh --target=Test installs them)
public sealed class SlurmClusterTests : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] DaemonPidFiles = ["slurmctld.pid", "slurmd.pid", "munge/munged.pid"];

    private readonly TempFolder _folder = new("slurm-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_array_of_ten_tasks_runs_each_task_once_with_its_index()
    {
        await using var cluster = await StartAsync("cluster");
        var output = Directory.CreateDirectory(_folder.PathOf("out")).FullName;

        var job = await SubmitAsync(cluster, "--array=0-9", "--chdir", output, "--output", "%A_%a.log", "--wrap", "echo $SLURM_ARRAY_TASK_ID > task-$SLURM_ARRAY_TASK_ID");
        await WaitUntilFinishedAsync(cluster, job, JobTimeout);

        var tasks = await ShowJobAsync(cluster, job);
        Assert.Equal(Enumerable.Range(0, 10), tasks.Select(task => int.Parse(task["ArrayTaskId"], CultureInfo.InvariantCulture)).Order());
        Assert.All(tasks, task => Assert.Equal(("COMPLETED", "0:0"), (task["JobState"], task["ExitCode"])));
        for (var index = 0; index < 10; index++)
        {
            Assert.Equal($"{index}\n", await File.ReadAllTextAsync(Path.Combine(output, $"task-{index}"), Ct));
        }
    }

    [Fact]
    public async Task Cancelling_a_running_array_task_ends_it_CANCELLED_and_the_others_complete()
    {
        await using var cluster = await StartAsync("cluster");
        var output = Directory.CreateDirectory(_folder.PathOf("out")).FullName;

        var job = await SubmitAsync(cluster, "--array=0-3", "--chdir", output, "--output", "/dev/null",
            "--wrap", "if [ $SLURM_ARRAY_TASK_ID = 0 ]; then sleep 300; fi; echo done > task-$SLURM_ARRAY_TASK_ID");
        await WaitForStateAsync(cluster, $"{job}_0", "RUNNING");
        await cluster.RunAsync("scancel", [$"{job}_0"], Ct);
        await WaitUntilFinishedAsync(cluster, job, JobTimeout);

        var states = (await cluster.RunAsync("squeue", ["-h", "-t", "all", "-r", "-j", job, "-o", "%i|%T"], Ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal([$"{job}_0|CANCELLED", $"{job}_1|COMPLETED", $"{job}_2|COMPLETED", $"{job}_3|COMPLETED"], states);
        var cancelled = Assert.Single(await ShowJobAsync(cluster, $"{job}_0"));
        Assert.Equal("0:15", cancelled["ExitCode"]); // killed by SIGTERM
        Assert.False(File.Exists(Path.Combine(output, "task-0")));
        Assert.True(File.Exists(Path.Combine(output, "task-3")));
    }

    [Fact]
    public async Task A_pending_array_task_cancelled_leaves_no_record_at_all()
    {
        // What an executor must expect: a task cancelled before it started is not CANCELLED anywhere, it is gone.
        await using var cluster = await StartAsync("cluster");
        var job = await SubmitAsync(cluster, "--array=0-1", "--hold", "--output", "/dev/null", "--wrap", "true");
        Assert.Equal("PENDING", (await cluster.RunAsync("squeue", ["-h", "-r", "-j", $"{job}_1", "-o", "%T"], Ct)).Trim());

        await cluster.RunAsync("scancel", [$"{job}_1"], Ct);

        Assert.Equal($"{job}_0|PENDING", (await cluster.RunAsync("squeue", ["-h", "-t", "all", "-r", "-j", job, "-o", "%i|%T"], Ct)).Trim());
        // scontrol prints "Job N_1 not found" and exits 1; jobcomp.txt gets no line for it either.
        await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.RunAsync("scontrol", ["-o", "show", "job", $"{job}_1"], Ct));
        Assert.False(File.Exists(cluster.JobCompletionLog) && File.ReadAllText(cluster.JobCompletionLog).Contains($"ArrayJobId={job} ", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Tier", "Slow")] // Slurm's shortest limit is a minute and the controller checks limits every 30 s or so
    public async Task A_job_over_its_time_limit_ends_TIMEOUT()
    {
        await using var cluster = await StartAsync("cluster");
        var clock = Stopwatch.StartNew();

        var job = await SubmitAsync(cluster, "--time=0:01", "--output", "/dev/null", "--wrap", "sleep 300");
        await WaitUntilFinishedAsync(cluster, job, TimeSpan.FromSeconds(150));

        TestContext.Current.TestOutputHelper?.WriteLine($"a one-minute job ended after {clock.Elapsed.TotalSeconds:0.0} s");
        var record = Assert.Single(await ShowJobAsync(cluster, job));
        Assert.Equal(("TIMEOUT", "TimeLimit"), (record["JobState"], record["Reason"]));
        Assert.Contains($"JobId={job} ", await File.ReadAllTextAsync(cluster.JobCompletionLog, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_asking_for_GPUs_gets_that_many_in_CUDA_VISIBLE_DEVICES_and_more_than_the_node_has_is_refused()
    {
        await using var cluster = await StartAsync("cluster", gpus: 2);
        var output = Directory.CreateDirectory(_folder.PathOf("out")).FullName;

        var none = await SubmitAsync(cluster, "--chdir", output, "--output", "/dev/null", "--wrap", "echo ${CUDA_VISIBLE_DEVICES-unset} > none");
        var one = await SubmitAsync(cluster, "--gres=gpu:1", "--chdir", output, "--output", "/dev/null", "--wrap", "echo $CUDA_VISIBLE_DEVICES > one");
        var two = await SubmitAsync(cluster, "--gres=gpu:2", "--chdir", output, "--output", "/dev/null", "--wrap", "echo $CUDA_VISIBLE_DEVICES > two");
        foreach (var job in new[] { none, one, two })
        {
            await WaitUntilFinishedAsync(cluster, job, JobTimeout);
        }

        Assert.Equal("unset\n", await File.ReadAllTextAsync(Path.Combine(output, "none"), Ct));
        Assert.Matches("^[01]\n$", await File.ReadAllTextAsync(Path.Combine(output, "one"), Ct));
        Assert.Equal("0,1\n", await File.ReadAllTextAsync(Path.Combine(output, "two"), Ct));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SubmitAsync(cluster, "--gres=gpu:3", "--output", "/dev/null", "--wrap", "true"));
        Assert.Contains("Requested node configuration is not available", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_clusters_run_side_by_side_each_seeing_only_its_own_jobs()
    {
        var starting = new[] { StartAsync("a"), StartAsync("b") };
        await using var a = await starting[0];
        await using var b = await starting[1];
        Assert.NotEqual(a.ClusterName, b.ClusterName);
        Assert.Empty(new[] { a.SlurmctldPort, a.SlurmdPort }.Intersect([b.SlurmctldPort, b.SlurmdPort]));

        var onA = await SubmitAsync(a, "--hold", "--job-name", "on-a", "--wrap", "true");
        var onB = await SubmitAsync(b, "--hold", "--job-name", "on-b", "--wrap", "true");

        Assert.Equal($"{onA}|on-a", (await a.RunAsync("squeue", ["-h", "-o", "%i|%j"], Ct)).Trim());
        Assert.Equal($"{onB}|on-b", (await b.RunAsync("squeue", ["-h", "-o", "%i|%j"], Ct)).Trim());
    }

    [Fact]
    public async Task Disposing_cancels_running_jobs_and_stops_every_process_of_the_cluster()
    {
        var cluster = await StartAsync("cluster");
        var work = Directory.CreateDirectory(_folder.PathOf("work")).FullName;
        int[] daemons;
        await using (cluster)
        {
            var job = await SubmitAsync(cluster, "--chdir", work, "--output", "/dev/null", "--wrap", "sleep 300");
            await WaitForStateAsync(cluster, job, "RUNNING");
            daemons = [.. DaemonPidFiles.Select(file => int.Parse(File.ReadAllText(Path.Combine(cluster.Folder, file)).Trim(), CultureInfo.InvariantCulture))];
            Assert.All(daemons, pid => Assert.True(Directory.Exists($"/proc/{pid}"), $"daemon {pid} runs"));
            // RUNNING comes before slurmstepd has started the script: wait for the job's own process.
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            limit.CancelAfter(JobTimeout);
            while (!ProcessesUnder(work).Any(process => process.StartsWith("sleep 300", StringComparison.Ordinal)))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), limit.Token);
            }
        }

        Assert.DoesNotContain(daemons, pid => Directory.Exists($"/proc/{pid}"));
        Assert.Empty(ProcessesUnder(cluster.Folder));
        Assert.Empty(ProcessesUnder(work));
        Assert.False(await ServerProcessGroup.AcceptsAsync(cluster.SlurmctldPort, Ct));
        Assert.False(await ServerProcessGroup.AcceptsAsync(cluster.SlurmdPort, Ct));
    }

    public void Dispose() => _folder.Dispose();

    private async Task<SlurmCluster> StartAsync(string name, int gpus = 2)
    {
        var cluster = await SlurmCluster.StartAsync(_folder.PathOf(name), Ct, gpus);
        TestContext.Current.TestOutputHelper?.WriteLine($"Slurm {cluster.ClusterName} started in {cluster.StartupTime.TotalSeconds:0.000} s");
        return cluster;
    }

    /// <summary>The job id sbatch printed (<c>--parsable</c> prints <c>ID</c> or <c>ID;CLUSTER</c>).</summary>
    private static async Task<string> SubmitAsync(SlurmCluster cluster, params string[] arguments)
    {
        var printed = await cluster.RunAsync("sbatch", ["--parsable", .. arguments], Ct);
        return printed.Trim().Split(';')[0];
    }

    private static async Task WaitUntilFinishedAsync(SlurmCluster cluster, string job, TimeSpan timeout)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(timeout);
        // squeue without -t lists pending, running and completing jobs only: empty once every task has ended.
        while ((await cluster.RunAsync("squeue", ["-h", "-j", job, "-o", "%i"], limit.Token)).Length > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), limit.Token);
        }
    }

    private static async Task WaitForStateAsync(SlurmCluster cluster, string job, string state)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(JobTimeout);
        while ((await cluster.RunAsync("squeue", ["-h", "-r", "-j", job, "-o", "%T"], limit.Token)).Trim() != state)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), limit.Token);
        }
    }

    /// <summary><c>scontrol -o show job</c>: one line a job (an array: one a task) of <c>Key=Value</c> tokens. Only
    /// fixed-format keys are trusted: JobName, Command and WorkDir may hold spaces.</summary>
    private static async Task<List<Dictionary<string, string>>> ShowJobAsync(SlurmCluster cluster, string job) =>
        [.. (await cluster.RunAsync("scontrol", ["-o", "show", "job", job], Ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(token => token.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .DistinctBy(pair => pair[0])
                .ToDictionary(pair => pair[0], pair => pair[1]))];

    /// <summary>The command lines of the processes whose command line or working folder names <paramref name="folder"/>
    /// (the daemons run with their config there, a job's script lives in the spool there).</summary>
    private static List<string> ProcessesUnder(string folder)
    {
        var found = new List<string>();
        foreach (var process in Directory.EnumerateDirectories("/proc").Where(path => Path.GetFileName(path).All(char.IsAsciiDigit)))
        {
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
                var workingFolder = new DirectoryInfo(Path.Combine(process, "cwd")).LinkTarget ?? "";
                if (commandLine.Contains(folder, StringComparison.Ordinal) || workingFolder.StartsWith(folder, StringComparison.Ordinal))
                {
                    found.Add(commandLine);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while being read.
            }
        }

        return found;
    }
}
