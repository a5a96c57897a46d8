using Cake.Core;
using Sonique.Build.Host;
using Sonique.Build.Targets;
using Sonique.Engine;
using Spectre.Console;

namespace Sonique.Build.Tests;

public sealed class HostTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sonique-host-" + Guid.NewGuid().ToString("N"));

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
