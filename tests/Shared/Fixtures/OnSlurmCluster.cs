using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Servers;

// Not under Sonique.Tests.Shared: a public type there trips CA1716 ("Shared" is a Visual Basic keyword), and the test
// classes deriving from this one must be public.
namespace Sonique.Tests.Fixtures;

/// <summary>
/// A test class whose every test runs on a real one-node Slurm cluster of its own, started before the test and stopped
/// after it. The folder is short: slurmstepd's socket in the cluster's spool folder must fit a Unix socket path (108
/// bytes), or every job's launch fails ("slurmstepd failed to send return code") and the job is held.
/// </summary>
public abstract class OnSlurmCluster(string folderPrefix) : IAsyncLifetime
{
    private SlurmCluster? _cluster;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected TempFolder Folder { get; } = new(folderPrefix);

    private protected SlurmCluster Cluster => _cluster!;

    public async ValueTask InitializeAsync() => _cluster = await SlurmCluster.StartAsync(Folder.PathOf("cluster"), Ct);

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Folder.Dispose();
        GC.SuppressFinalize(this);
    }
}
