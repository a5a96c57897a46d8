using System.Text.RegularExpressions;
using Sonique.Engine;
using Sonique.Engine.SyntheticPipeline;
using Sonique.Tests.Shared;
using Sonique.Tests.Fixtures;
using Sonique.Tests.Shared.Servers;

namespace Sonique.Cluster.Tests;

/// <summary>The Slurm executor on a real one-node cluster: the synthetic pipeline's Transform stage as job arrays whose
/// tasks are the synthetic pipeline's own program running a shard, compared byte for byte with a local run.</summary>
[Trait("Tier", "Tool")] // slurmctld, slurmd, slurm-client and munge from Debian's packages (./build.sh --target=Test installs them)
public sealed class SlurmExecutorTests() : OnSlurmCluster("sx-")
{
    [Fact]
    public async Task Gives_the_local_runs_outputs_and_lock_then_submits_nothing_then_only_the_new_items()
    {
        var root = Workspace("workspace", items: 10);
        var first = await RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 3 });
        Assert.Equal(10, first.Reports[0].Ran);
        Assert.Equal(4, Assert.Single(Submissions(first.Executor)).Tasks);
        AssertSameAsLocal(root, items: 10);

        var second = await RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 3 });
        Assert.All(second.Reports, r => Assert.True(r.DidNothing));
        Assert.False(File.Exists(second.Executor.JobsRecordPath), "a run with nothing stale submits no job");

        SyntheticStages.WriteInputs(root, 4, firstIndex: 10);
        var third = await RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 3 });
        var submitted = Assert.Single(Submissions(third.Executor));
        Assert.Equal(["item00010", "item00011", "item00012", "item00013"], KeysOf(submitted.Folder));
        AssertSameAsLocal(root, items: 14);
    }

    [Fact]
    public async Task A_task_that_dies_mid_shard_loses_only_its_unfinished_items_which_run_again()
    {
        var root = Workspace("workspace", items: 9);
        // Attempt 1: each of the 3 tasks finishes one item of its 3, then exits non-zero.
        var run = await RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 3 }, batch => batch.Attempt == 1 ? ["--exit-after", "1"] : []);

        var submissions = Submissions(run.Executor);
        Assert.Equal(2, submissions.Count);
        var finishedFirst = Directory.EnumerateFiles(submissions[0].Folder, "*.journal").SelectMany(File.ReadLines).Count();
        Assert.Equal(3, finishedFirst);
        var rerun = KeysOf(submissions[1].Folder);
        Assert.Equal(6, rerun.Count);
        Assert.Empty(rerun.Intersect(JournaledKeys(submissions[0].Folder)));
        Assert.Equal(9, run.Reports[0].Ran);
        AssertSameAsLocal(root, items: 9);
    }

    [Fact]
    public async Task Tasks_that_keep_dying_fail_the_stage_with_their_exit_code_and_log_and_the_next_run_resumes()
    {
        var root = Workspace("workspace", items: 4);
        var failed = await Assert.ThrowsAsync<StageFailedException>(
            () => RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 2 }, _ => ["--exit-after", "1"], retries: 1));

        Assert.Contains("after 2 job array(s)", failed.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 3", failed.Message, StringComparison.Ordinal);
        Assert.Contains("exiting after 1 item(s) on purpose", failed.Message, StringComparison.Ordinal);

        var resumed = await RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 2 });
        Assert.Equal(["item00003"], KeysOf(Assert.Single(Submissions(resumed.Executor)).Folder));
        AssertSameAsLocal(root, items: 4);
    }

    [Fact]
    public async Task A_stage_asking_for_a_GPU_is_submitted_with_gres_and_its_task_sees_CUDA_VISIBLE_DEVICES()
    {
        var root = Workspace("workspace", items: 2);
        var seen = Folder.PathOf("cuda-visible-devices");
        var run = await RunOnClusterAsync(root, new SlurmResources { Gpus = 1 }, _ => ["--environment-to", seen]);

        Assert.Contains("--gres=gpu:1", Assert.Single(Submissions(run.Executor)).Arguments, StringComparison.Ordinal);
        Assert.Matches("^[01]$", await File.ReadAllTextAsync(seen, Ct));
        AssertSameAsLocal(root, items: 2);
    }

    [Fact]
    public async Task Cancelling_the_login_node_cancels_every_job_of_the_run_and_the_next_run_resumes()
    {
        var root = Workspace("workspace", items: 12);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var observer = new CancelOnFirstItem(cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 3 }, _ => ["--delay-ms", "400"], observer: observer, cancellationToken: cancel.Token));

        Assert.Equal("", await Cluster.RunAsync("squeue", ["-h", "-o", "%i"], Ct));
        Assert.False(File.Exists(SlurmExecutor.LiveJobsPath(new Workspace(root))));

        var resumed = await RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 3 });
        Assert.InRange(KeysOf(Assert.Single(Submissions(resumed.Executor)).Folder).Count, 1, 11);
        AssertSameAsLocal(root, items: 12);
    }

    [Fact]
    public async Task A_second_login_node_run_is_refused_while_the_first_ones_jobs_are_live()
    {
        var root = Workspace("workspace", items: 4);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var first = RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 2 }, _ => ["--delay-ms", "3000"], cancellationToken: stop.Token);
        var live = SlurmExecutor.LiveJobsPath(new Workspace(root));
        while (!File.Exists(live))
        {
            await Task.Delay(50, Ct);
        }

        Assert.Throws<WorkspaceBusyException>(() => Pipeline.Open(new Workspace(root)));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        // A login node killed outright leaves its jobs and their record: the next one refuses, naming them.
        var orphan = (await Cluster.RunAsync("sbatch", ["--parsable", "--hold", "--output=/dev/null", "--wrap", "true"], Ct)).Trim();
        await File.WriteAllTextAsync(live, orphan + "\n", Ct);
        var refused = await Assert.ThrowsAsync<SlurmJobsLiveException>(() => RunOnClusterAsync(root, new SlurmResources()));
        Assert.Equal([orphan], refused.Jobs);

        await Cluster.RunAsync("scancel", [orphan], Ct);
        await RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 2 });
        AssertSameAsLocal(root, items: 4);
    }

    [Fact]
    public async Task A_unit_stage_not_on_the_login_node_runs_as_one_job_of_one_task_with_the_same_result()
    {
        var root = Workspace("workspace", items: 3);
        var run = await RunOnClusterAsync(root, new SlurmResources { ItemsPerTask = 3, Gpus = 1 }, onLoginNode: false);

        var submissions = Submissions(run.Executor);
        Assert.Equal(["Transform", "Summarize"], submissions.Select(s => s.Stage));
        Assert.Equal(1, submissions[1].Tasks);
        Assert.Contains("--gres=gpu:1", submissions[1].Arguments, StringComparison.Ordinal);
        Assert.Equal(["Summarize"], KeysOf(submissions[1].Folder));
        Assert.Equal(1, run.Reports[1].Ran);
        AssertSameAsLocal(root, items: 3);

        var second = await RunOnClusterAsync(root, new SlurmResources(), onLoginNode: false);
        Assert.All(second.Reports, r => Assert.True(r.DidNothing));
        Assert.False(File.Exists(second.Executor.JobsRecordPath), "a fresh unit stage submits no job");
    }

    [Fact]
    [Trait("Tier", "Slow")] // Slurm's shortest time limit is a minute
    public async Task A_task_over_its_time_limit_is_reported_TIMEOUT_with_its_log()
    {
        var root = Workspace("workspace", items: 2);
        var failed = await Assert.ThrowsAsync<StageFailedException>(
            () => RunOnClusterAsync(root, new SlurmResources { Time = "1", ItemsPerTask = 1 }, _ => ["--delay-ms", "300000"], retries: 0));

        Assert.Contains("TIMEOUT", failed.Message, StringComparison.Ordinal);
        Assert.Contains("DUE TO TIME LIMIT", failed.Message, StringComparison.Ordinal); // slurmstepd's line in the task's log
    }

    private string Workspace(string name, int items)
    {
        var root = Directory.CreateDirectory(Folder.PathOf(name)).FullName;
        SyntheticStages.WriteInputs(root, items);
        return root;
    }

    private async Task<(IReadOnlyList<StageReport> Reports, SlurmExecutor Executor)> RunOnClusterAsync(
        string root,
        SlurmResources resources,
        Func<ShardBatch, IReadOnlyList<string>>? extraArguments = null,
        int retries = 2,
        IPipelineObserver? observer = null,
        CancellationToken? cancellationToken = null,
        bool onLoginNode = true)
    {
        var workspace = new Workspace(root);
        var executor = new SlurmExecutor(workspace, new SlurmExecutorOptions
        {
            TaskCommand = batch =>
            [
                Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
                Path.Combine(AppContext.BaseDirectory, "Sonique.Engine.SyntheticPipeline.dll"),
                "--workspace", root, "--shard-of", batch.Folder.Path, "--stage", batch.Stage, .. extraArguments?.Invoke(batch) ?? [],
            ],
            OnLoginNode = _ => onLoginNode,
            Resources = _ => resources,
            Client = new SlurmClient(Cluster.Environment),
            PollInterval = TimeSpan.FromMilliseconds(100),
            MaxPollInterval = TimeSpan.FromSeconds(1),
            Retries = retries,
            Log = line => TestContext.Current.TestOutputHelper?.WriteLine(line),
        });
        using var pipeline = Pipeline.Open(workspace, new PipelineOptions { Jobs = 2, Observer = observer });
        await executor.RefuseWhileJobsAreLiveAsync(Ct);
        var reports = new List<StageReport>();
        foreach (var stage in new SyntheticStages(workspace).All)
        {
            reports.Add(await executor.RunStageAsync(pipeline, stage, cancellationToken ?? Ct));
        }

        return (reports, executor);
    }

    /// <summary>Runs the same inputs locally in a fresh workspace and compares outputs and lock file byte for byte.</summary>
    private void AssertSameAsLocal(string root, int items)
    {
        var local = Workspace("local-" + Guid.NewGuid().ToString("N"), items);
        var workspace = new Workspace(local);
        using (var pipeline = Pipeline.Open(workspace, new PipelineOptions { Jobs = 2 }))
        {
            foreach (var stage in new SyntheticStages(workspace).All)
            {
                pipeline.RunAsync(stage, Ct).GetAwaiter().GetResult();
            }
        }

        Assert.Equal(Files(local), Files(root));
        Assert.Equal(File.ReadAllBytes(Path.Combine(local, "sonique.lock")), File.ReadAllBytes(Path.Combine(root, "sonique.lock")));
    }

    private static SortedDictionary<string, string> Files(string root) =>
        new(Directory.EnumerateFiles(Path.Combine(root, "out")).Append(Path.Combine(root, "summary.txt"))
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText), StringComparer.Ordinal);

    private static List<Submission> Submissions(SlurmExecutor executor) =>
        File.Exists(executor.JobsRecordPath)
            ? [.. File.ReadLines(executor.JobsRecordPath).Select(line => line.Split('\t')).Select(f => new Submission(f[0], int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), Path.Combine(executor.RunFolder, $"{f[0]}-{f[1]}"), f[5]))]
            : [];

    /// <summary>The keys of the items the login node wrote for the array's tasks.</summary>
    private static List<string> KeysOf(string shardFolder) =>
        [.. Directory.EnumerateFiles(shardFolder, "*.items").SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(line => Regex.Match(line, "\"key\":\"([^\"]+)\"").Groups[1].Value).Order(StringComparer.Ordinal)];

    private static List<string> JournaledKeys(string shardFolder) =>
        [.. Directory.EnumerateFiles(shardFolder, "*.journal").SelectMany(File.ReadLines).Select(line => Regex.Match(line, "\"item\":\"([^\"]+)\"").Groups[1].Value)];

    private sealed record Submission(string Stage, int Tasks, string Folder, string Arguments);

    private sealed class CancelOnFirstItem(CancellationTokenSource cancel) : IPipelineObserver
    {
        public void StageStarting(string stage, int items, int toDo)
        {
        }

        public void ItemFinished(string stage, string key, ItemOutcome outcome, string? detail) => cancel.Cancel();

        public void StageFinished(StageReport report)
        {
        }

        public void Warning(string stage, string message)
        {
        }
    }
}
