using Sonique.Engine;
using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Servers;

namespace Sonique.Remote.Tests;

/// <summary>
/// A real remote cache of one kind, started for a test class (or for one test that stops it): a folder, nginx with
/// WebDAV, or Swift with s3api. Each <see cref="Open"/> of a new prefix is an empty cache of its own, so the tests of a
/// class share one server without seeing each other's objects.
/// </summary>
public abstract class RemoteKind : IAsyncLifetime
{
    private readonly TempFolder _folder = new("remote-");

    protected string Folder => _folder.Root;

    /// <summary>The server this kind started, stopped with it.</summary>
    protected IAsyncDisposable? Started { get; set; }

    /// <summary>The address of the cache under <paramref name="prefix"/>.</summary>
    public abstract string Address(string prefix);

    public virtual RemoteCacheOptions Options => new() { Timeout = TimeSpan.FromSeconds(5) };

    public IRemoteCache Open(string prefix) => RemoteCacheAddress.Open(Address(prefix), Options);

    /// <summary>Makes the remote unreachable: what a crashed server or an unmounted share looks like.</summary>
    public abstract Task StopAsync();

    public abstract ValueTask InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        if (Started is not null)
        {
            await Started.DisposeAsync();
        }

        _folder.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class FolderKind : RemoteKind
{
    private string Root => Path.Combine(Folder, "shared");

    /// <summary>A prefix's folder exists before a test uses it, as a mounted share does.</summary>
    public override string Address(string prefix)
    {
        var folder = Path.Combine(Root, prefix);
        if (Directory.Exists(Root))
        {
            Directory.CreateDirectory(folder);
        }

        return new Uri(folder).AbsoluteUri;
    }

    public override ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        return ValueTask.CompletedTask;
    }

    /// <summary>Unmounted: the folder is not there any more.</summary>
    public override Task StopAsync()
    {
        Directory.Move(Root, Root + "-unmounted");
        return Task.CompletedTask;
    }
}

public sealed class NginxKind : RemoteKind
{
    internal NginxCacheServer Server => Started as NginxCacheServer ?? throw new InvalidOperationException("not started");

    public override string Address(string prefix) => $"{Server.Endpoint}/{prefix}";

    public override async ValueTask InitializeAsync() =>
        Started = await NginxCacheServer.StartAsync(Path.Combine(Folder, "nginx"), TestContext.Current.CancellationToken);

    public override Task StopAsync() => Server.StopAsync();
}

public sealed class SwiftKind : RemoteKind
{
    internal SwiftS3Server Server => Started as SwiftS3Server ?? throw new InvalidOperationException("not started");

    public override string Address(string prefix) => $"s3://{Server.Bucket}/{prefix}";

    public override RemoteCacheOptions Options => WithSecret(Server.SecretKey);

    public RemoteCacheOptions WithSecret(string secret) => new()
    {
        Timeout = TimeSpan.FromSeconds(5),
        S3Endpoint = Server.Endpoint,
        Environment = name => name switch
        {
            "AWS_ACCESS_KEY_ID" => Server.AccessKey,
            "AWS_SECRET_ACCESS_KEY" => secret,
            _ => null,
        },
    };

    public override async ValueTask InitializeAsync() =>
        Started = await SwiftS3Server.StartAsync(Path.Combine(Folder, "swift"), TestContext.Current.CancellationToken);

    public override Task StopAsync() => Server.StopAsync();
}
