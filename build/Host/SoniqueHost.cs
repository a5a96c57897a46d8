using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Sonique.Build.Frosting;
using Sonique.Engine;

namespace Sonique.Build.Host;

/// <summary>Builds Cake's engine and services, registers the tasks and runs the target: what Cake.Frosting's
/// host does, with the pipeline's switches and a clean stop on Ctrl+C.</summary>
public static class SoniqueHost
{
    public const int ExitFailed = 1;
    public const int ExitBadArguments = 2;
    public const int ExitCancelled = 130;

    /// <summary>Cake's switches that list the targets instead of running one.</summary>
    private static readonly string[] HelpSwitches = ["help", "description", "showdescription", "tree", "showtree"];

    public static async Task<int> RunAsync(string[] args)
    {
        // A log file or CI's log shows colour codes as noise; NO_COLOR (no-color.org) is what Cake's console obeys.
        if ((Console.IsOutputRedirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            && Environment.GetEnvironmentVariable("NO_COLOR") is null)
        {
            Environment.SetEnvironmentVariable("NO_COLOR", "1");
        }

        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var console = new CakeConsole(environment);
        ILookup<string, string> parsed;
        try
        {
            parsed = CommandLine.Parse(args);
        }
        catch (ArgumentException e)
        {
            console.WriteErrorLine(e.Message);
            return ExitBadArguments;
        }

        var arguments = new CakeArguments(parsed);
        var verbosity = Verbosity.Normal;
        if (arguments.HasArgument("verbosity") && !VerbosityParser.TryParse(arguments.GetArguments("verbosity").Last(), out verbosity))
        {
            console.WriteErrorLine($"Unknown verbosity '{arguments.GetArguments("verbosity").Last()}': use quiet, minimal, normal, verbose or diagnostic.");
            return ExitBadArguments;
        }

        var log = new CakeBuildLog(console, verbosity);
        var catalog = TaskCatalog.Discover(typeof(SoniqueHost).Assembly);
        if (HelpSwitches.Any(arguments.HasArgument))
        {
            PrintTasks(console, catalog);
            return 0;
        }

        if (arguments.HasArgument("version"))
        {
            console.WriteLine($"Sonique {typeof(SoniqueHost).Assembly.GetName().Version}, Cake.Core {typeof(ICakeContext).Assembly.GetName().Version}");
            return 0;
        }

        RunOptions options;
        SoniqueConfig config;
        try
        {
            options = RunOptions.From(arguments, SoniqueConfig.Load, out config);
            SlurmStages.CheckStageNames(config.Slurm, catalog);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException)
        {
            log.Error(e.Message);
            return ExitBadArguments;
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl+C stops cleanly (running items finish or abort, finished ones are kept); a second one kills.
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true;
                console.WriteErrorLine("Stopping after the items in flight... (Ctrl+C again to kill)");
                cancel.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var progress = ConsoleProgress.ForThisConsole();
            using var context = new SoniqueContext(CreateCakeContext(environment, log, arguments), options, config, progress, catalog, cancel.Token);
            if (options.Detach)
            {
                var jobs = await SlurmStages.DetachAsync(context, cancel.Token);
                log.Information(jobs.Count == 0
                    ? "Nothing to submit: every stage of the target is fresh."
                    : $"Submitted, each after the one before: {string.Join(", ", jobs.Select(j => $"{j.Stage} (job {j.Job})"))}. Logs under {context.Workspace.CacheDirectory}/slurm/; ./build.sh --target=Status shows the jobs, and the stages as each commits its results.");
                return 0;
            }

            var engine = new CakeEngine(new CakeDataService(), log);
            Register(engine, catalog, context);
            if (options.DryRun)
            {
                log.Information(catalog.DescribeGraph());
            }

            IExecutionStrategy strategy = options.DryRun
                ? new DryRunStrategy(log, context, catalog)
                : new DefaultExecutionStrategy(log, new CakeReportPrinter(console, context));
            var settings = new ExecutionSettings().SetTarget(options.Target);
            if (options.Exclusive)
            {
                settings.UseExclusiveTarget();
            }

            var report = await engine.RunTargetAsync(context, strategy, settings);
            if (!options.DryRun && verbosity >= Verbosity.Normal)
            {
                new CakeReportPrinter(console, context).Write(report);
            }

            return 0;
        }
        catch (Exception e) when (IsCancellation(e) && cancel.IsCancellationRequested)
        {
            log.Error("Stopped. Finished work is kept; run the same command again to go on.");
            return ExitCancelled;
        }
        catch (Exception e)
        {
            var root = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e;
            log.Error(verbosity >= Verbosity.Diagnostic ? root.ToString() : root.Message);
            return ExitFailed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void Register(CakeEngine engine, TaskCatalog catalog, SoniqueContext context)
    {
        foreach (var entry in catalog.Entries)
        {
            var builder = engine.RegisterTask(entry.Name).Description(entry.Description);
            foreach (var dependency in entry.Dependencies)
            {
                builder.IsDependentOn(dependency);
            }

            var task = entry.Task;
            builder.WithCriteria(() => task.ShouldRun(context));
            builder.Does(() => task.RunAsync(context));
        }
    }

    private static bool IsCancellation(Exception e) =>
        e is OperationCanceledException || e.InnerException is OperationCanceledException ||
        (e is AggregateException aggregate && aggregate.InnerExceptions.All(IsCancellation));

    private static void PrintTasks(IConsole console, TaskCatalog catalog)
    {
        console.WriteLine("Targets (./build.sh --target=NAME):");
        foreach (var entry in catalog.Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var after = entry.Dependencies.Count > 0 ? $" (after {string.Join(", ", entry.Dependencies)})" : "";
            console.WriteLine($"  {entry.Name,-14} {entry.Description}{after}");
        }

        console.WriteLine("Switches: --target, --exclusive, --dryrun, --verbosity, --force[=Stage,...], --config=FILE, --jobs=N, --workspace=DIR, --remote=URL, --push=true|false, --executor=local|slurm, --detach, --version; Benchmark: --suite=NAME, --quick");
    }

    public static CakeContext CreateCakeContext(ICakeEnvironment environment, ICakeLog log, ICakeArguments arguments)
    {
        var fileSystem = new FileSystem();
        var globber = new Globber(fileSystem, environment);
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var tools = new ToolLocator(environment, new ToolRepository(environment), new ToolResolutionStrategy(fileSystem, environment, globber, configuration, log));
        return new CakeContext(
            fileSystem,
            environment,
            globber,
            log,
            arguments,
            new ProcessRunner(fileSystem, environment, log, tools, configuration),
            new WindowsRegistry(),
            tools,
            new CakeDataService(),
            configuration,
            new ToolInstaller(environment, tools, configuration, log, []),
            new NoServices());
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
