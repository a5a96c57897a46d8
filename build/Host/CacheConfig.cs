using Sonique.Engine;
using Sonique.Remote;

namespace Sonique.Build.Host;

/// <summary>The caches: how outputs and their copies in the content store share the disk, and where finished work is
/// shared between machines (a CI runner, a colleague, a cluster's nodes).</summary>
public sealed class CacheConfig
{
    [Setting("how an output and its copy in `cache/store/` share the disk. `reflink`: a copy-on-write clone (btrfs, XFS), one copy of the bytes; `hardlink`: one file under both names, made read-only, so an editor or tool that writes a new file leaves the stored copy alone (a write in place by root reaches it, and the next restore's hash check catches it: the item is recomputed); `copy`: two copies. `auto` takes the first of these the file system allows; one named that it cannot make stops the run, saying why")]
    [NotInCacheKey("how outputs are kept on disk, not what they hold")]
    public CacheLinkType Type { get; set; } = CacheLinkType.Auto;

    [Setting("a remote cache shared between machines: `file:///path` (a folder on a shared filesystem), `http(s)://host/prefix` (Bazel's HTTP cache protocol, as nginx with WebDAV speaks it) or `s3://bucket/prefix` (AWS or an S3-compatible store, `cache.s3_endpoint`). Asked when the local cache misses; given finished work unless `cache.push` is false. The command line's `--remote` wins", Unset = "none", Example = "s3://my-bucket/sonique")]
    [NotInCacheKey("where results are shared, not what they are")]
    public string? Remote { get; set; }

    [Setting("push finished work to `cache.remote`; false: pull only (CI pushes from the main branch only: `--push=false` elsewhere). The command line's `--push` wins")]
    [NotInCacheKey("whether results are shared, not what they are")]
    public bool Push { get; set; } = true;

    [Setting("an S3-compatible store's endpoint for an `s3://` remote (MinIO, Ceph, Swift's s3api); path-style requests, signed for `AWS_REGION` (default us-east-1)", Unset = "AWS itself, or `AWS_ENDPOINT_URL_S3` when set", Example = "http://127.0.0.1:9000")]
    [NotInCacheKey("where results are shared, not what they are")]
    public string? S3Endpoint { get; set; }

    [Setting("objects moved to or from the remote at once; also how many items of a stage try to restore at once, whatever `--jobs` (a pull waits on the network, not on the cores; items that must run still take `--jobs` turns)", Min = 1, Max = 256)]
    [NotInCacheKey("how fast results are shared, not what they are")]
    public int Transfers { get; set; } = 8;

    [Setting("seconds the remote may take to answer a request; a request that fails in a way that may heal is retried 3 times, then the run goes on without the remote, with one warning", Min = 1, Max = 3_600)]
    [NotInCacheKey("how long to wait for the remote, not what results are")]
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>The remote cache at <paramref name="address"/> (the command line's, else the profile's), or null for none.</summary>
    public IRemoteCache? OpenRemote(string? address) =>
        address is { Length: > 0 }
            ? RemoteCacheAddress.Open(address, new RemoteCacheOptions { Timeout = TimeSpan.FromSeconds(TimeoutSeconds), S3Endpoint = S3Endpoint })
            : null;

    internal IEnumerable<string> Problems()
    {
        if (Remote is { Length: > 0 } && RemoteCacheAddress.Problem(Remote) is { } problem)
        {
            yield return $"cache.remote: {problem}";
        }
    }
}
