using System.Diagnostics;

namespace Sonique.Cluster;

/// <summary>Runs Slurm's command-line clients (sbatch, squeue, scancel, sacct), as every Slurm executor does: they are
/// the interface a cluster's users are given. <paramref name="environment"/> adds variables (<c>SLURM_CONF</c>).</summary>
public sealed class SlurmClient(IReadOnlyDictionary<string, string>? environment = null, string? clientFolder = null)
{
    /// <summary>Runs <paramref name="client"/> and returns its stdout; throws <see cref="SlurmException"/> with its
    /// stderr when it fails or cannot start.</summary>
    public async Task<string> RunAsync(string client, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(clientFolder is null ? client : Path.Combine(clientFolder, client))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SlurmException($"{client} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SlurmException($"{client} cannot be started ({e.Message}): is this a Slurm login node (slurm-client installed)?", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0
                ? await stdout
                : throw new SlurmException($"{client} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {(await stderr).Trim()}");
        }
    }
}

/// <summary>A Slurm client refused or failed.</summary>
public sealed class SlurmException(string message, Exception? inner = null) : Exception(message, inner);
