using System.Diagnostics;
using System.Globalization;

namespace Sonique.Tests.Shared.Servers;

/// <summary>
/// One server process a test fixture started, its output appended to a log file in the fixture's folder. It runs
/// under a small bash guard in its own process group, so that a signal reaches the server and every child it
/// forks (nginx's workers), and so that the server stops when the test process closes the guard's stdin or dies
/// without stopping it (a killed test run leaves no servers holding ports).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    // setsid: a background job of a non-interactive bash is no group leader, so setsid execs in place and the
    // server keeps the pid echoed here; its process group is then its own. Signals to send come on stdin, one
    // name a line; the end of stdin stops the server.
    private const string Guard = """
        log=$1; shift
        setsid "$@" </dev/null >>"$log" 2>&1 &
        server=$!
        echo "$server"
        exec 3<&0
        { while read -r signal <&3; do kill -s "$signal" -- "-$server"; done
          kill -s CONT -- "-$server"; kill -s TERM -- "-$server"; } 2>/dev/null &
        reader=$!
        wait "$server"; status=$?
        kill "$reader" 2>/dev/null
        exit "$status"
        """;

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly Process _guard;

    private ServerProcess(string name, Process guard, int pid, string logFile)
    {
        Name = name;
        _guard = guard;
        Pid = pid;
        LogFile = logFile;
    }

    public string Name { get; }

    public int Pid { get; }

    public string LogFile { get; }

    public bool HasExited => _guard.HasExited;

    public static async Task<ServerProcess> StartAsync(string name, string executable, IEnumerable<string> arguments, string logFile, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Guard);
        start.ArgumentList.Add("server-guard");
        start.ArgumentList.Add(logFile);
        start.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var guard = Process.Start(start) ?? throw new InvalidOperationException($"bash did not start for {name}");
        var started = false;
        try
        {
            var line = await guard.StandardOutput.ReadLineAsync(cancellationToken);
            if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                throw new InvalidOperationException($"{name} did not start: its guard printed '{line}' for a pid");
            }

            started = true;
            return new ServerProcess(name, guard, pid, logFile);
        }
        finally
        {
            if (!started)
            {
                guard.Kill(entireProcessTree: true);
                guard.Dispose();
            }
        }
    }

    /// <summary>Freezes the server and its children (SIGSTOP): connections are accepted by the kernel and never
    /// answered. Returns once the server is stopped, so the test's next request meets a frozen server.</summary>
    public Task PauseAsync(CancellationToken cancellationToken) => SignalAsync("STOP", stopped: true, cancellationToken);

    public Task ResumeAsync(CancellationToken cancellationToken) => SignalAsync("CONT", stopped: false, cancellationToken);

    /// <summary>Stops the server (SIGTERM to its process group), then kills what is left after a grace period.</summary>
    public async Task StopAsync()
    {
        if (!_guard.HasExited)
        {
            try
            {
                _guard.StandardInput.Close();
            }
            catch (IOException)
            {
                // The guard ended meanwhile; waiting below returns at once.
            }
        }

        using var grace = new CancellationTokenSource(StopGrace);
        try
        {
            await _guard.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _guard.Kill(entireProcessTree: true);
            await _guard.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _guard.Dispose();
    }

    /// <summary>The log's last lines, for an exception message.</summary>
    public string LogTail(int lines = 30)
    {
        if (!File.Exists(LogFile))
        {
            return $"--- {Name}: no log at {LogFile}";
        }

        var all = File.ReadAllLines(LogFile);
        return $"--- {Name} ({LogFile}, last {Math.Min(lines, all.Length)} of {all.Length} lines):{Environment.NewLine}"
            + string.Join(Environment.NewLine, all.TakeLast(lines));
    }

    private async Task SignalAsync(string signal, bool stopped, CancellationToken cancellationToken)
    {
        if (_guard.HasExited)
        {
            throw new InvalidOperationException($"{Name} is not running");
        }

        await _guard.StandardInput.WriteLineAsync(signal.AsMemory(), cancellationToken);
        await _guard.StandardInput.FlushAsync(cancellationToken);
        while (IsStopped() != stopped)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }
    }

    /// <summary>Whether the kernel shows the server stopped by a signal: state T in /proc/PID/stat, after the
    /// parenthesised command name (which may itself hold spaces or parentheses).</summary>
    private bool IsStopped()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
        }
        catch (IOException)
        {
            throw new InvalidOperationException($"{Name} (pid {Pid}) ended while being signalled; {LogTail()}");
        }
    }
}
