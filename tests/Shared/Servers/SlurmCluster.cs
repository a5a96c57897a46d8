using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sonique.Tests.Shared.Servers;

/// <summary>
/// A real one-node Slurm cluster (Debian's slurmctld, slurmd and munge) on loopback: its own ports, cluster name,
/// munge socket and key, config, state, spool, logs and pid files, all in the given folder; nothing under /etc is
/// read or written. Clients (sbatch, squeue, scontrol, scancel, sinfo) reach it through <see cref="Environment"/>.
/// The node declares <see cref="Gpus"/> fake GPUs (character devices cloned from /dev/null), so a job asking
/// <c>--gres=gpu:N</c> gets <c>CUDA_VISIBLE_DEVICES</c>. Needs root (slurmd starts jobs as their submitter, mknod).
/// </summary>
internal sealed class SlurmCluster : IAsyncDisposable
{
    public const string Packages = "slurmctld slurmd slurm-client munge";

    /// <summary>The one node's name (<c>slurmd -N</c>: the machine's host name is something else).</summary>
    public const string NodeName = "localhost";

    /// <summary>Slurm's shortest time limit is one minute; with this grace (KillWait, seconds) and OverTimeLimit=0 a job
    /// over it ends TIMEOUT about a minute after it started, not up to two.</summary>
    public const int KillWaitSeconds = 1;

    private const string Munged = "/usr/sbin/munged";
    private const string Slurmctld = "/usr/sbin/slurmctld";
    private const string Slurmd = "/usr/sbin/slurmd";
    private const string ClientFolder = "/usr/bin";

    private static readonly string[] Clients = ["sbatch", "squeue", "scontrol", "scancel", "sinfo"];

    private static readonly string[] Subfolders = ["state", "spool", "log", "munge", "gpu"];

    /// <summary>How long disposing waits for the cancelled jobs to leave the node before it stops the daemons.</summary>
    private static readonly TimeSpan JobsGoneTimeout = TimeSpan.FromSeconds(30);

    private readonly ServerProcessGroup _slurm;
    private readonly ServerProcessGroup _munge;

    private SlurmCluster(ServerProcessGroup slurm, ServerProcessGroup munge, string folder, string clusterName, int[] ports, int cpus, int gpus)
    {
        _slurm = slurm;
        _munge = munge;
        Folder = folder;
        ClusterName = clusterName;
        SlurmctldPort = ports[0];
        SlurmdPort = ports[1];
        Cpus = cpus;
        Gpus = gpus;
        Environment = new Dictionary<string, string> { ["SLURM_CONF"] = ConfPath };
    }

    public string Folder { get; }

    /// <summary>The cluster's slurm.conf: what <c>SLURM_CONF</c> names for a client.</summary>
    public string ConfPath => Path.Combine(Folder, "slurm.conf");

    /// <summary>The variables a client process needs, besides the inherited ones, to talk to this cluster.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public string ClusterName { get; }

    public int SlurmctldPort { get; }

    public int SlurmdPort { get; }

    public int Cpus { get; }

    public int Gpus { get; }

    /// <summary>The daemons' logs (slurmctld.log, slurmd.log, munged.log) and jobcomp.txt, the final state and exit
    /// code of every job, kept beyond MinJobAge.</summary>
    public string LogFolder => Path.Combine(Folder, "log");

    public string JobCompletionLog => Path.Combine(LogFolder, "jobcomp.txt");

    /// <summary>Where Slurm keeps each job's script while it runs (<c>jobNNNNN/slurm_script</c>).</summary>
    public string SpoolFolder => Path.Combine(Folder, "spool");

    public TimeSpan StartupTime { get; private set; }

    /// <summary>Starts munged, slurmctld and slurmd in <paramref name="folder"/> on free loopback ports and returns
    /// once the node is idle, ready for jobs.</summary>
    public static Task<SlurmCluster> StartAsync(string folder, CancellationToken cancellationToken, int gpus = 2, int? cpus = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gpus);
        ServerProcessGroup.Require(Munged, "munge");
        ServerProcessGroup.Require(Slurmctld, "slurmctld");
        ServerProcessGroup.Require(Slurmd, "slurmd");
        foreach (var client in Clients)
        {
            ServerProcessGroup.Require(Path.Combine(ClientFolder, client), "slurm-client");
        }

        var nodeCpus = cpus ?? System.Environment.ProcessorCount;
        folder = Path.GetFullPath(folder);
        var clock = Stopwatch.StartNew();
        return ServerProcessGroup.StartOnFreePortsAsync($"Slurm in {folder}", 2, async (slurm, ports, cancel) =>
        {
            // A fresh folder per attempt: state a failed attempt left would be read by the next controller.
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            foreach (var sub in Subfolders)
            {
                Directory.CreateDirectory(Path.Combine(folder, sub));
            }

            var munge = new ServerProcessGroup($"munged in {folder}");
            var started = false;
            try
            {
                var socket = await StartMungeAsync(munge, folder, cancel);
                var gres = await FakeGpusAsync(folder, gpus, cancel);
                var clusterName = "sonique" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
                var confPath = Path.Combine(folder, "slurm.conf");
                await File.WriteAllTextAsync(confPath, Config(folder, clusterName, socket, ports, nodeCpus, gres), cancel);
                // -D: in the foreground under the fixture's guard, logging to stderr (its log file); -i: a state file
                // left in the folder is ignored, not fatal.
                await slurm.StartAsync("slurmctld", Slurmctld, ["-D", "-i", "-f", confPath], Path.Combine(folder, "log", "slurmctld.log"), cancel);
                await slurm.StartAsync("slurmd", Slurmd, ["-D", "-N", NodeName, "-f", confPath], Path.Combine(folder, "log", "slurmd.log"), cancel);
                var cluster = new SlurmCluster(slurm, munge, folder, clusterName, ports, nodeCpus, gpus);
                await slurm.WaitUntilReadyAsync(cluster.NodeIsIdleAsync, cancel);
                cluster.StartupTime = clock.Elapsed;
                started = true;
                return cluster;
            }
            finally
            {
                if (!started)
                {
                    // slurmctld before munged: the group of the failed attempt is stopped by StartOnFreePortsAsync.
                    await slurm.StopAsync();
                    await munge.DisposeAsync();
                }
            }
        }, cancellationToken);
    }

    /// <summary>Runs a Slurm client (<c>sbatch</c>, <c>squeue</c>, ...) against this cluster and returns its stdout;
    /// throws with its stderr when it fails.</summary>
    public async Task<string> RunAsync(string client, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        // env sets SLURM_CONF for the client alone: ExternalTool inherits this process's environment.
        var output = await ExternalTool.RunAsync(
            "/usr/bin/env",
            [.. Environment.Select(variable => $"{variable.Key}={variable.Value}"), Path.Combine(ClientFolder, client), .. arguments],
            cancellationToken);
        return Encoding.UTF8.GetString(output);
    }

    /// <summary>Cancels every job of the cluster, waits until none is left on the node, then stops slurmd, slurmctld
    /// and munged (by the processes this fixture started, never by name).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CancelAllJobsAsync();
        }
        finally
        {
            await _slurm.DisposeAsync();
            await _munge.DisposeAsync();
        }
    }

    private async Task CancelAllJobsAsync()
    {
        using var timeout = new CancellationTokenSource(JobsGoneTimeout);
        try
        {
            await RunAsync("scancel", ["--quiet", "--user", System.Environment.UserName], timeout.Token);
            // A cancelled job is COMPLETING until its processes are gone; stopping slurmd before that would orphan them.
            while ((await RunAsync("squeue", ["-h", "-o", "%i"], timeout.Token)).Length > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // The controller is gone or stuck: stopping the daemons is all that is left to do.
        }
    }

    private async Task<bool> NodeIsIdleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var state = await RunAsync("sinfo", ["-h", "-n", NodeName, "-o", "%T"], cancellationToken);
            return state.StartsWith("idle", StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            // The controller is not answering yet.
            return false;
        }
    }

    /// <summary>Starts munged on a socket in the folder with a key of its own, and returns the socket's path once it exists.</summary>
    private static async Task<string> StartMungeAsync(ServerProcessGroup munge, string folder, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Debian's Slurm and munge run on Linux only");
        }

        var mungeFolder = Path.Combine(folder, "munge");
        File.SetUnixFileMode(mungeFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var key = Path.Combine(mungeFolder, "munge.key");
        await File.WriteAllBytesAsync(key, RandomNumberGenerator.GetBytes(1024), cancellationToken);
        File.SetUnixFileMode(key, UnixFileMode.UserRead);
        var socket = Path.Combine(mungeFolder, "munge.sock");
        // --force: munged refuses a socket folder under a group- or world-writable one (/tmp) without it.
        await munge.StartAsync(
            "munged",
            Munged,
            ["-F", "--force", $"--socket={socket}", $"--key-file={key}", $"--pid-file={Path.Combine(mungeFolder, "munged.pid")}",
                $"--seed-file={Path.Combine(mungeFolder, "seed")}", $"--log-file={Path.Combine(folder, "log", "munged.log")}"],
            Path.Combine(folder, "log", "munged.out"),
            cancellationToken);
        await munge.WaitUntilReadyAsync(_ => Task.FromResult(File.Exists(socket)), cancellationToken);
        return socket;
    }

    /// <summary>Makes <paramref name="gpus"/> device files and the gres.conf that declares them; returns the node's Gres
    /// clause. Slurm refuses plain files as devices and drains a node whose GPU has no device.</summary>
    private static async Task<string> FakeGpusAsync(string folder, int gpus, CancellationToken cancellationToken)
    {
        if (gpus == 0)
        {
            return "";
        }

        var devices = new List<string>();
        for (var i = 0; i < gpus; i++)
        {
            var device = Path.Combine(folder, "gpu", $"nvidia{i.ToString(CultureInfo.InvariantCulture)}");
            await ExternalTool.RunAsync("/usr/bin/mknod", [device, "c", "1", "3"], cancellationToken);
            devices.Add($"NodeName={NodeName} Name=gpu File={device}");
        }

        await File.WriteAllLinesAsync(Path.Combine(folder, "gres.conf"), devices, cancellationToken);
        return $" Gres=gpu:{gpus.ToString(CultureInfo.InvariantCulture)}";
    }

    private static string Config(string folder, string clusterName, string mungeSocket, int[] ports, int cpus, string gres)
    {
        var user = System.Environment.UserName;
        return string.Create(CultureInfo.InvariantCulture, $"""
            ClusterName={clusterName}
            SlurmctldHost={NodeName}(127.0.0.1)
            SlurmctldPort={ports[0]}
            SlurmdPort={ports[1]}
            SlurmUser={user}
            SlurmdUser={user}
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket={mungeSocket}
            StateSaveLocation={folder}/state
            SlurmdSpoolDir={folder}/spool
            SlurmctldPidFile={folder}/slurmctld.pid
            SlurmdPidFile={folder}/slurmd.pid
            SlurmctldDebug=info
            SlurmdDebug=info
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            SchedulerType=sched/backfill
            # Without these the scheduler starts about 2 array tasks every 3 s.
            SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
            MpiDefault=none
            # slurmctld logs an error at start without a mailer; jobs here never send mail.
            MailProg=/bin/true
            ReturnToService=2
            # Finished jobs stay in squeue -t all and scontrol show job this long; jobcomp.txt keeps them for good.
            MinJobAge=300
            AccountingStorageType=accounting_storage/none
            JobAcctGatherType=jobacct_gather/none
            JobCompType=jobcomp/filetxt
            JobCompLoc={folder}/log/jobcomp.txt
            OverTimeLimit=0
            KillWait={KillWaitSeconds}
            SlurmctldTimeout=30
            SlurmdTimeout=30
            {(gres.Length > 0 ? "GresTypes=gpu" : "")}
            NodeName={NodeName} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory=1000{gres} State=UNKNOWN
            PartitionName=debug Nodes={NodeName} Default=YES MaxTime=INFINITE State=UP

            """);
    }
}
