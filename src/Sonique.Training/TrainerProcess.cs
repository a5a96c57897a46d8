using CliWrap;

namespace Sonique.Training;

/// <summary>
/// Runs a trainer as a child process and streams its metrics: every JSON line on its standard output becomes a
/// <see cref="TrainingEvent"/>; anything else it prints is kept for the error message. A trainer that dies (a
/// native assertion, an out-of-memory kill, a Python exception) fails with its last words, and the pipeline that
/// started it lives on. Cancelling asks the trainer to stop (Ctrl+C), and kills it if it has not within 10 s.
/// The trainer's standard input is a pipe this process holds open and never writes to: a trainer started with
/// <see cref="ExitWithParentSwitch"/> exits when it reads end of input, which the kernel delivers when this process
/// dies however it dies (SIGKILL, the OOM killer), so no trainer outlives the run that started it.
/// </summary>
public static class TrainerProcess
{
    /// <summary>The switch both trainers (the ggml worker, sonique_peft.py) take to exit when their input ends.</summary>
    public const string ExitWithParentSwitch = "--exit-on-stdin-eof";

    /// <summary>A trainer's exit code when its parent is gone.</summary>
    public const int ExitParentGone = 3;

    /// <summary>The in-process ggml trainer's executable, built beside the assembly that uses it.</summary>
    public static string WorkerAssembly => Path.Combine(AppContext.BaseDirectory, "Sonique.Training.Worker.dll");

    /// <summary>The command that runs the ggml trainer on <paramref name="jobFile"/>.</summary>
    public static (string Executable, IReadOnlyList<string> Arguments) Worker(string jobFile)
    {
        if (!File.Exists(WorkerAssembly))
        {
            throw new FileNotFoundException($"The trainer '{WorkerAssembly}' is missing: build the solution (./build.sh builds it).", WorkerAssembly);
        }

        return (DotNetHost(), [WorkerAssembly, jobFile, ExitWithParentSwitch]);
    }

    public static async Task RunAsync(
        string name, string executable, IReadOnlyList<string> arguments, string? workingDirectory,
        Action<TrainingEvent> onEvent, CancellationToken ct, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        var log = new BoundedLog(40);
        var command = Cli.Wrap(executable)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithStandardInputPipe(PipeSource.Create(HoldOpenAsync))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                if (TrainingEvent.TryParse(line) is { } e)
                {
                    onEvent(e);
                }
                else
                {
                    log.Add(line);
                }
            }))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(log.Add));
        if (workingDirectory is not null)
        {
            command = command.WithWorkingDirectory(workingDirectory);
        }

        using var forceful = new CancellationTokenSource();
        await using var escalate = ct.Register(() => forceful.CancelAfter(TimeSpan.FromSeconds(10)));
        CommandResult result;
        try
        {
            result = await command.ExecuteAsync(forceful.Token, ct);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new TrainingFailedException($"The {name} trainer cannot start ('{executable}'): {e.Message}", e);
        }

        ct.ThrowIfCancellationRequested();
        if (result.ExitCode != 0)
        {
            var why = result.ExitCode switch
            {
                134 => " (aborted: a native assertion failed)",
                137 => " (killed: out of memory, or by a signal)",
                _ => string.Empty,
            };
            throw new TrainingFailedException($"The {name} trainer exited with code {result.ExitCode}{why}: {log.Tail(8)}");
        }
    }

    /// <summary>Writes nothing and returns only when CliWrap stops piping (the trainer exited, or is being killed).</summary>
    private static async Task HoldOpenAsync(Stream input, CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // Expected: the pipe is no longer needed.
        }
    }

    /// <summary>The dotnet host running this process, so the child runs on the same runtime.</summary>
    public static string DotNetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
    }

    private sealed class BoundedLog(int capacity)
    {
        private readonly Queue<string> _lines = new();
        private string? _cause;

        public void Add(string line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                return;
            }

            lock (_lines)
            {
                if (_cause is null && (line.Contains("GGML_ASSERT", StringComparison.Ordinal) || line.Contains("Error", StringComparison.Ordinal)))
                {
                    _cause = line.Trim();
                }

                _lines.Enqueue(line.Trim());
                if (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }

        /// <summary>The line that says what went wrong (a failed assertion, an error), then the last few.</summary>
        public string Tail(int lines)
        {
            lock (_lines)
            {
                if (_lines.Count == 0)
                {
                    return "(it printed nothing)";
                }

                var last = _lines.TakeLast(lines).ToList();
                return string.Join(" | ", _cause is null || last.Contains(_cause) ? last : [_cause, "...", .. last]);
            }
        }
    }
}

/// <summary>A trainer process failed; the message says which and why.</summary>
public sealed class TrainingFailedException(string message, Exception? inner = null) : Exception(message, inner);
