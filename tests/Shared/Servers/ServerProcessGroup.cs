using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sonique.Tests.Shared.Servers;

/// <summary>
/// The processes that make one server (Swift's four plus memcached, or nginx), started together, waited on until
/// the server answers, and paused, resumed or stopped together. A start that fails stops what it started and
/// throws with the tail of every log.
/// </summary>
internal sealed class ServerProcessGroup : IAsyncDisposable
{
    private const int StartAttempts = 3;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly List<ServerProcess> _processes = [];
    private readonly string _description;

    public ServerProcessGroup(string description) => _description = description;

    /// <summary>
    /// Runs <paramref name="start"/> with a new group and <paramref name="portCount"/> free ports, and again on new
    /// ports when one was taken before the server bound it. A start that throws leaves no process running.
    /// </summary>
    public static async Task<T> StartOnFreePortsAsync<T>(
        string description, int portCount, Func<ServerProcessGroup, int[], CancellationToken, Task<T>> start, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var group = new ServerProcessGroup(description);
            var started = false;
            try
            {
                var server = await start(group, FreePorts(portCount), cancellationToken);
                started = true;
                return server;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException && attempt < StartAttempts && group.AddressWasInUse())
            {
                // Another process took a port between FreePorts and the bind: try new ones.
            }
            finally
            {
                if (!started)
                {
                    await group.DisposeAsync();
                }
            }
        }
    }

    /// <summary>Distinct loopback ports free at this moment. Another process may take one before the server binds
    /// it; the fixtures then start again on new ports (see <see cref="AddressWasInUse"/>).</summary>
    public static int[] FreePorts(int count)
    {
        var probes = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var probe = new TcpListener(IPAddress.Loopback, 0);
                probe.Start();
                probes.Add(probe);
            }

            return [.. probes.Select(probe => ((IPEndPoint)probe.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var probe in probes)
            {
                probe.Dispose();
            }
        }
    }

    public static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Throws a message that says how to install <paramref name="package"/> when <paramref name="executable"/> is missing.</summary>
    public static void Require(string executable, string package)
    {
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"{executable} is missing: install it with `apt-get install -y --no-install-recommends {package}` "
                + "(./build.sh --target=Test installs the test servers' packages)");
        }
    }

    public async Task StartAsync(string name, string executable, IEnumerable<string> arguments, string logFile, CancellationToken cancellationToken) =>
        _processes.Add(await ServerProcess.StartAsync(name, executable, arguments, logFile, cancellationToken));

    /// <summary>Polls <paramref name="isReady"/> until it holds; throws with the logs when a process ends first or
    /// the server is not ready in time.</summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> isReady, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var ended = _processes.FirstOrDefault(process => process.HasExited);
            if (ended is not null)
            {
                throw new InvalidOperationException(Report($"{ended.Name} ended while {_description} was starting"));
            }

            if (await isReady(cancellationToken))
            {
                return;
            }

            if (waited.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException(Report($"{_description} was not ready after {ReadyTimeout.TotalSeconds:0} s"));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>Whether a process failed to bind its port because another process took it after it was chosen.</summary>
    public bool AddressWasInUse() => _processes.Any(process =>
        File.Exists(process.LogFile)
        && File.ReadAllText(process.LogFile) is var log
        && (log.Contains("Address already in use", StringComparison.Ordinal) || log.Contains("Could not bind to", StringComparison.Ordinal)));

    public string Report(string headline) =>
        string.Join(Environment.NewLine, _processes.Select(process => process.LogTail()).Prepend(headline));

    public async Task PauseAsync(CancellationToken cancellationToken)
    {
        foreach (var process in _processes)
        {
            await process.PauseAsync(cancellationToken);
        }
    }

    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        foreach (var process in _processes)
        {
            await process.ResumeAsync(cancellationToken);
        }
    }

    public async Task StopAsync() => await Task.WhenAll(_processes.Select(process => process.StopAsync()));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }
}
