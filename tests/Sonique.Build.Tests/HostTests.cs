using Cake.Core;
using Sonique.Build.Host;
using Sonique.Build.Targets;
using Sonique.Engine;
using Sonique.Tests.Shared;
using Sonique.Training;
using Spectre.Console;

namespace Sonique.Build.Tests;

public sealed class HostTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("host-");

    public HostTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RunOptions Options(params string[] args) =>
        RunOptions.From(new CakeArguments(CommandLine.Parse(args)), SoniqueConfig.Load, out _);

    [Fact]
    public void Cake_argument_forms_are_understood()
    {
        var parsed = CommandLine.Parse(["--target=Status", "--jobs", "3", "--dryrun", "-t", "Test"]);

        Assert.Equal(["Status", "Test"], parsed["target"]);
        Assert.Equal(["3"], parsed["jobs"]);
        Assert.Equal(["true"], parsed["dryrun"]);
        Assert.Throws<ArgumentException>(() => CommandLine.Parse(["Status"]));
    }

    [Fact]
    public void Force_means_every_stage_alone_and_the_named_stages_with_a_list()
    {
        Assert.True(Options("--force").ForceAll);
        var some = Options("--force=Download, TagAudio");
        Assert.False(some.ForceAll);
        Assert.Equal(["Download", "TagAudio"], some.ForceStages.Order());
        Assert.Equal("Default", Options().Target);
        Assert.True(Options("--exclusive", "--dryrun").DryRun);
    }

    [Fact]
    public void Jobs_come_from_the_command_line_over_the_profile_and_must_be_positive()
    {
        var profile = Path.Combine(_dir, "p.yaml");
        File.WriteAllText(profile, "jobs: 5\n");

        Assert.Equal(5, Options($"--config={profile}").Jobs);
        Assert.Equal(1, Options($"--config={profile}", "--jobs=1").Jobs);
        Assert.Throws<ArgumentException>(() => Options("--jobs=0"));
    }

    [Fact]
    public void An_unknown_key_in_a_profile_is_an_error_naming_the_file_and_line()
    {
        var profile = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(profile, "jobs: 2\njbos: 3\n");

        var error = Assert.Throws<InvalidDataException>(() => SoniqueConfig.Load(profile));

        Assert.Contains("bad.yaml', line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("jbos", error.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => SoniqueConfig.Load(Path.Combine(_dir, "missing.yaml")));
    }

    [Fact]
    public async Task The_host_runs_a_target_and_answers_bad_input_with_distinct_exit_codes()
    {
        Assert.Equal(0, await SoniqueHost.RunAsync([$"--workspace={_dir}", "--target=Status"]));
        Assert.Equal(SoniqueHost.ExitFailed, await SoniqueHost.RunAsync([$"--workspace={_dir}", "--target=NoSuchTarget"]));
        Assert.Equal(SoniqueHost.ExitBadArguments, await SoniqueHost.RunAsync([$"--workspace={_dir}", "--verbosity=loud"]));
        Assert.Equal(SoniqueHost.ExitBadArguments, await SoniqueHost.RunAsync([$"--workspace={_dir}", "--config=/nonexistent.yaml"]));
    }

    [Fact]
    public async Task An_unknown_executor_or_a_slurm_stage_that_does_not_exist_is_refused_with_exit_2()
    {
        var profile = Path.Combine(_dir, "cluster.yaml");
        await File.WriteAllTextAsync(profile, "slurm:\n  stages:\n    TagAudo: {cpus: 2}\n", TestContext.Current.CancellationToken);

        Assert.Equal(SoniqueHost.ExitBadArguments, await SoniqueHost.RunAsync([$"--workspace={_dir}", "--executor=cloud"]));
        Assert.Equal(SoniqueHost.ExitBadArguments, await SoniqueHost.RunAsync([$"--workspace={_dir}", $"--config={profile}", "--executor=slurm"]));
        Assert.False(Directory.Exists(Path.Combine(_dir, "artifacts")), "the pipeline ran anyway");
        Assert.Throws<InvalidDataException>(() => SlurmStages.CheckStageNames(SoniqueConfig.Load(profile).Slurm, TaskCatalog.Discover(typeof(SoniqueHost).Assembly)));
    }

    [Fact]
    public void The_cluster_profile_gives_each_stage_its_own_resources_over_the_sections()
    {
        var config = SoniqueConfig.Load(RepositoryRoot.Combine("profiles", "cluster.yaml"));
        SlurmStages.CheckStageNames(config.Slurm, TaskCatalog.Discover(typeof(SoniqueHost).Assembly));

        Assert.Equal(ExecutorKind.Slurm, config.Executor);
        var describe = config.Slurm.ResourcesOf("DescribeVideo");
        Assert.Equal(("gpu", 1, 8, "32G", "6:00:00"), (describe.Partition, describe.Gpus, describe.Cpus, describe.Memory, describe.Time));
        var tags = config.Slurm.ResourcesOf("TagAudio");
        Assert.Equal(("cpu", 0, 4, "8G", "2:00:00", 200), (tags.Partition, tags.Gpus, tags.Cpus, tags.Memory, tags.Time, tags.ItemsPerTask));
        Assert.Contains("--gres=gpu:1", describe.SbatchArguments());
        Assert.Equal(50, config.Slurm.ResourcesOf("SampleLibrary").ItemsPerTask);
    }

    [Theory]
    [InlineData("--taget=Status", "Unknown switch '--taget': did you mean '--target'?")]
    [InlineData("--executer=slurm", "Unknown switch '--executer': did you mean '--executor'?")]
    [InlineData("--dry-rn", "did you mean '--dry-run'?")]
    [InlineData("--jbos=2", "did you mean '--jobs'?")]
    public async Task An_unknown_switch_is_refused_with_exit_2_naming_it_and_the_nearest_known_one(string argument, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => CommandLine.Parse([argument]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(SoniqueHost.ExitBadArguments, await SoniqueHost.RunAsync([$"--workspace={_dir}", argument]));
        Assert.False(Directory.Exists(Path.Combine(_dir, "artifacts")), "the pipeline ran anyway");
    }

    [Fact]
    public async Task Cakes_own_switches_and_their_short_forms_are_known()
    {
        var parsed = CommandLine.Parse(["-v", "quiet", "-e", "--noop", "--showtree", "--suite=llm", "--quick", "--CONFIG=x.yaml"]);

        Assert.Equal(["quiet"], parsed["verbosity"]);
        Assert.Equal(["true"], parsed["exclusive"]);
        Assert.True(Options("--noop").DryRun);
        Assert.Equal(["x.yaml"], parsed["config"]);
        Assert.Equal(0, await SoniqueHost.RunAsync(["--version"]));
        Assert.Equal(0, await SoniqueHost.RunAsync(["--showdescription"]));
        Assert.All(CommandLine.KnownSwitches, known => CommandLine.Parse([$"--{known}=x"]));
    }

    [Fact]
    public void The_test_targets_fast_switch_is_known_and_needs_no_value()
    {
        var parsed = CommandLine.Parse(["--target=Test", "--fast"]);

        Assert.Equal(["true"], parsed["fast"]);
        Assert.Equal(["Test"], parsed["target"]);
        Assert.Equal(["fast"], CommandLine.Parse(["--tier=fast"])["tier"]);
    }

    [Fact]
    public async Task Status_works_while_a_run_holds_the_workspace()
    {
        using var run = Pipeline.Open(new Workspace(_dir));

        Assert.Equal(0, await SoniqueHost.RunAsync([$"--workspace={_dir}", "--target=Status"]));
        Assert.Equal(0, await SoniqueHost.RunAsync([$"--workspace={_dir}", "--target=Collect", "--dryrun"]));
        Assert.Equal(SoniqueHost.ExitFailed, await SoniqueHost.RunAsync([$"--workspace={_dir}", "--target=Collect"]));
    }

    [Fact]
    public async Task Status_and_a_dry_run_print_the_graph_each_stage_after_those_it_reads_from()
    {
        var ct = TestContext.Current.CancellationToken;
        async Task<string> HostAsync(params string[] args) => System.Text.Encoding.UTF8.GetString(await ExternalTool.RunAsync(
            TrainerProcess.DotNetHost(), [Path.Combine(AppContext.BaseDirectory, "Sonique.Build.dll"), $"--workspace={_dir}", .. args], ct));
        const string pair = """
              Pair
                reads  Collect: artifacts/catalog.csv
                reads  DescribeVideo: artifacts/descriptions/{clip}.json
                reads  TagAudio: artifacts/tags/{clip}.json
                writes artifacts/pairs/dataset.jsonl, artifacts/pairs/train.jsonl, artifacts/pairs/validation.jsonl, artifacts/pairs/test.jsonl, artifacts/pairs/splits.csv, artifacts/pairs/statistics.json
              FineTune
                reads  Pair: artifacts/pairs/train.jsonl, artifacts/pairs/validation.jsonl
                reads  BaseModel: artifacts/models/base.json, artifacts/models/stories15M.gguf
            """;

        foreach (var output in new[] { await HostAsync("--target=Status"), await HostAsync("--target=Pair", "--dryrun") })
        {
            Assert.Contains(pair, output, StringComparison.Ordinal);
            Assert.Contains("  Download\n    reads  Collect: artifacts/catalog.csv\n    reads  SampleLibrary: artifacts/samples/{clip}.mp4\n    writes artifacts/clips/{clip}.mp4, artifacts/clips/{clip}.wav\n", output, StringComparison.Ordinal);
            var stages = output.Split('\n').Where(l => l.Length > 2 && l[..2] == "  " && l[2] != ' ').Select(l => l.Trim()).ToList();
            Assert.Equal(["BaseModel", "SampleLibrary", "Collect", "Download", "DescribeVideo", "TagAudio", "Pair", "FineTune", "Evaluate", "Report"], stages);
        }

        Assert.False(Directory.Exists(Path.Combine(_dir, "artifacts")), "printing the graph ran a stage");
    }

    [Fact]
    public void A_running_run_is_described_with_its_owner_and_progress()
    {
        Assert.Equal(
            "A run is going (pid 42, started 2026-01-01 10:00:00Z, command: ./build.sh). Finished so far: Download 12 item(s) (1 failed), TagAudio 3 item(s). The stages below are as of now; finished stages show fresh.",
            StatusTask.DescribeRunning("pid 42, started 2026-01-01 10:00:00Z, command: ./build.sh", [new StageProgress("Download", 12, 1), new StageProgress("TagAudio", 3, 0)]));
        Assert.Contains("It has finished no item of its current stage yet.", StatusTask.DescribeRunning("unknown", []), StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_progress_prints_counts_rate_and_a_summary()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        var progress = new ConsoleProgress(console, live: false);

        progress.StageStarting("Download", 40, 20);
        for (var i = 0; i < 20; i++)
        {
            progress.ItemFinished("Download", $"clip{i}", i == 3 ? ItemOutcome.Failed : ItemOutcome.Ran, i == 3 ? "no audio stream" : null);
        }

        progress.StageFinished(new StageReport("Download", 40, 20, 19, 0, 1, 0, TimeSpan.FromSeconds(2)));
        var text = output.ToString();

        Assert.Contains("Download: 20 of 40 item(s) to do", text, StringComparison.Ordinal);
        Assert.Contains("Download: 10/20 (50%)", text, StringComparison.Ordinal);
        Assert.Contains("Download: 20/20 (100%)", text, StringComparison.Ordinal);
        Assert.Contains("items/s", text, StringComparison.Ordinal);
        Assert.Contains("Download: clip3 failed: no audio stream", text, StringComparison.Ordinal);
        Assert.Contains("Download: 40 item(s): 20 fresh, 19 ran, 1 failed (2.0 s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_lines_say_why_and_show_the_first_stale_items()
    {
        var status = new StageStatus("TagAudio", StageState.Stale, ["2 of 9 items stale"])
        {
            Items = 9,
            StaleItems = 2,
            FirstStale = [new ItemStatus("clip1", ["parameter chunk_seconds: 10 -> 5"])],
        };

        Assert.Equal(
            "TagAudio: stale (2 of 9 items stale)\n    clip1: parameter chunk_seconds: 10 -> 5\n    ... and 1 more",
            StatusTask.Describe(status));
        Assert.Equal(
            "Pair: stale (upstream TagAudio will change first)",
            StatusTask.Describe(new StageStatus("Pair", StageState.Fresh, []), ["TagAudio"]));
    }
}
