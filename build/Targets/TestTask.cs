using System.Globalization;
using System.Text.RegularExpressions;
using Cake.Core;
using CliWrap;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Path = System.IO.Path;

namespace Sonique.Build.Targets;

[TaskName("Test")]
[TaskDescription("Builds and runs every test project under tests/ and prints one 'N passed, N failed' line; --fast (or --tier=fast) runs only the tests that start no outside program, run no pipeline and train nothing")]
public sealed partial class TestTask : AsyncFrostingTask<SoniqueContext>
{
    public override async Task RunAsync(SoniqueContext context)
    {
        var projects = Directory.EnumerateFiles(Path.Combine(context.Workspace.Root, "tests"), "*.Tests.csproj", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (projects.Count == 0)
        {
            throw new InvalidOperationException("No test projects (*.Tests.csproj) under tests/.");
        }

        var tier = context.Arguments.HasArgument("fast") && context.Arguments.GetArgument("fast") != "false"
            ? "fast"
            : context.Arguments.HasArgument("tier") ? context.Arguments.GetArgument("tier") : "full";
        string[] tierArguments = tier switch
        {
            "full" => [],
            // The fast tier leaves out [Trait("Tier", "Slow")] (whole pipelines, training) and [Trait("Tier", "Tool")]
            // (anything that starts another program: ffmpeg, yt-dlp, aubio, bash, python, Chromium, a child process; or
            // fetches stories15M). A project whose every test is left out runs none, and zero tests is exit code 8.
            "fast" => ["--", "--filter-not-trait", "Tier=Slow", "--filter-not-trait", "Tier=Tool", "--ignore-exit-code", "8"],
            _ => throw new ArgumentException($"--tier must be fast or full, not '{tier}'."),
        };

        var totals = new Dictionary<string, int>(StringComparer.Ordinal);
        var failedProjects = new List<string>();
        foreach (var project in projects)
        {
            var result = await Cli.Wrap("dotnet")
                .WithArguments(["test", "--project", project, "-c", "Release", .. tierArguments])
                .WithWorkingDirectory(context.Workspace.Root)
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
                {
                    Console.WriteLine(line);
                    if (SummaryLine().Match(line) is { Success: true } match)
                    {
                        var key = match.Groups[1].Value;
                        totals[key] = totals.GetValueOrDefault(key) + int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                    }
                }))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(Console.Error.WriteLine))
                .ExecuteAsync(context.Cancellation);
            if (result.ExitCode != 0)
            {
                failedProjects.Add(Path.GetFileNameWithoutExtension(project));
            }
        }

        var failed = totals.GetValueOrDefault("failed");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Tests: {totals.GetValueOrDefault("succeeded")} passed, {failed} failed, {totals.GetValueOrDefault("skipped")} skipped"));
        if (failedProjects.Count > 0 || failed > 0)
        {
            throw new InvalidOperationException($"Tests failed in: {string.Join(", ", failedProjects)}");
        }
    }

    [GeneratedRegex(@"^\s+(total|failed|succeeded|skipped):\s+(\d+)\s*$")]
    private static partial Regex SummaryLine();
}
