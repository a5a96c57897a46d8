using System.Security.Cryptography;
using Sonique.Engine;
using Sonique.Engine.Hashing;
using Sonique.Tests.Shared;

namespace Sonique.Remote.Tests;

/// <summary>What every kind of remote cache must do, against a real one: keep blobs and records byte for byte, say
/// "miss" for what it lacks, take the same object from many writers at once, and stream what is big.</summary>
public abstract class RemoteCacheContractTests<TKind>(TKind kind) : IClassFixture<TKind>, IDisposable
    where TKind : RemoteKind, new()
{
    private readonly TempFolder _files = new("contract-");
    private readonly string _prefix = Guid.NewGuid().ToString("N");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TKind Kind { get; } = kind;

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string WriteFile(byte[] bytes)
    {
        var path = _files.PathOf(Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task A_blob_comes_back_byte_for_byte_and_a_missing_one_is_a_miss()
    {
        var remote = Kind.Open(_prefix);
        var bytes = RandomNumberGenerator.GetBytes(3_000_000);
        var hash = ContentHash.Of(bytes);
        var absent = ContentHash.Of("never stored");

        Assert.False(await remote.HasBlobAsync(hash, Ct));
        await remote.PutBlobAsync(hash, WriteFile(bytes), Ct);

        Assert.True(await remote.HasBlobAsync(hash, Ct));
        Assert.False(await remote.HasBlobAsync(absent, Ct));
        Assert.Null(await remote.TryOpenBlobAsync(absent, Ct));
        await using var stream = await remote.TryOpenBlobAsync(hash, Ct);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task A_record_comes_back_as_it_was_put_and_a_new_one_replaces_it()
    {
        var remote = Kind.Open(_prefix);
        var key = ContentHash.Of("fingerprint");

        Assert.Null(await remote.TryGetRecordAsync(key, Ct));
        await remote.PutRecordAsync(key, "{\"a\":\"1\"}"u8.ToArray(), Ct);
        await remote.PutRecordAsync(key, "{\"a\":\"2\"}"u8.ToArray(), Ct);

        Assert.Equal("{\"a\":\"2\"}"u8.ToArray(), await remote.TryGetRecordAsync(key, Ct));
    }

    [Fact]
    public async Task Many_writers_putting_the_same_object_at_once_leave_it_whole()
    {
        var bytes = RandomNumberGenerator.GetBytes(2_000_000);
        var hash = ContentHash.Of(bytes);
        var file = WriteFile(bytes);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Kind.Open(_prefix).PutBlobAsync(hash, file, Ct), Ct)));

        await using var stream = await Kind.Open(_prefix).TryOpenBlobAsync(hash, Ct);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy, Ct);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task An_unreachable_remote_fails_naming_itself()
    {
        await using var own = new TKind();
        await own.InitializeAsync();
        var remote = own.Open(_prefix);
        await own.StopAsync();

        var failure = await Assert.ThrowsAsync<RemoteCacheException>(() => remote.HasBlobAsync(ContentHash.Of("x"), Ct));

        Assert.Contains(remote.Name, failure.Message, StringComparison.Ordinal);
    }
}

public sealed class FolderRemoteCacheTests(FolderKind kind) : RemoteCacheContractTests<FolderKind>(kind)
{
    [Fact]
    public async Task Objects_lie_under_cas_and_ac_as_an_http_server_would_serve_them_and_no_temporary_file_stays()
    {
        var remote = (FolderRemoteCache)Kind.Open("layout");
        var bytes = RandomNumberGenerator.GetBytes(1000);
        var hash = ContentHash.Of(bytes);

        await remote.PutBlobAsync(hash, WriteFile(bytes), Ct);
        await remote.PutRecordAsync(hash, [1], Ct);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(remote.Root, "cas", hash.ToString()), Ct));
        Assert.Equal([1], await File.ReadAllBytesAsync(Path.Combine(remote.Root, "ac", hash.ToString()), Ct));
        Assert.Equal(2, Directory.EnumerateFiles(remote.Root, "*", SearchOption.AllDirectories).Count());
    }
}

[Trait("Tier", "Tool")] // nginx from Debian (./build.sh --target=Test installs it)
public sealed class HttpRemoteCacheTests(NginxKind kind) : RemoteCacheContractTests<NginxKind>(kind)
{
    [Fact]
    public async Task Refused_credentials_fail_naming_the_remote_and_never_the_secret()
    {
        await using var guarded = new TempFolderNginx();
        await guarded.StartAsync("Bearer right-token");
        var withUserInfo = RemoteCacheAddress.Open($"http://alice:hunter2@127.0.0.1:{guarded.Server.Port}/team", Kind.Options);
        var withToken = RemoteCacheAddress.Open(
            $"{guarded.Server.Endpoint}/team",
            Kind.Options with { Environment = name => name == "SONIQUE_REMOTE_TOKEN" ? "wrong-token" : null });

        var userInfoFailure = await Assert.ThrowsAsync<RemoteCacheException>(() => withUserInfo.HasBlobAsync(ContentHash.Of("x"), Ct));
        var tokenFailure = await Assert.ThrowsAsync<RemoteCacheException>(() => withToken.HasBlobAsync(ContentHash.Of("x"), Ct));

        Assert.Equal($"http://127.0.0.1:{guarded.Server.Port}/team", withUserInfo.Name);
        foreach (var failure in new[] { userInfoFailure, tokenFailure })
        {
            Assert.False(failure.Transient);
            Assert.Contains($"127.0.0.1:{guarded.Server.Port}/team: access refused (HTTP 401)", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", failure.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-token", failure.ToString(), StringComparison.Ordinal);
        }

        var right = RemoteCacheAddress.Open(
            $"{guarded.Server.Endpoint}/team",
            Kind.Options with { Environment = name => name == "SONIQUE_REMOTE_TOKEN" ? "right-token" : null });
        Assert.False(await right.HasBlobAsync(ContentHash.Of("x"), Ct));
    }

    [Fact]
    public async Task A_frozen_server_is_a_transient_failure_after_the_timeout()
    {
        await using var own = new NginxKind();
        await own.InitializeAsync();
        var remote = RemoteCacheAddress.Open(own.Address("slow"), own.Options with { Timeout = TimeSpan.FromSeconds(1) });
        await own.Server.PauseAsync(Ct);
        try
        {
            var failure = await Assert.ThrowsAsync<RemoteCacheException>(() => remote.HasBlobAsync(ContentHash.Of("x"), Ct));
            Assert.True(failure.Transient);
            Assert.Contains("no answer within 1 s", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            await own.Server.ResumeAsync(Ct);
        }
    }

    /// <summary>An nginx of its own that requires an Authorization header.</summary>
    private sealed class TempFolderNginx : IAsyncDisposable
    {
        private readonly TempFolder _folder = new("nginx-auth-");
        private Sonique.Tests.Shared.Servers.NginxCacheServer? _server;

        public Sonique.Tests.Shared.Servers.NginxCacheServer Server => _server!;

        public async Task StartAsync(string authorization) =>
            _server = await Sonique.Tests.Shared.Servers.NginxCacheServer.StartAsync(_folder.Root, Ct, authorization);

        public async ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }

            _folder.Dispose();
        }
    }
}

[Trait("Tier", "Tool")] // Swift from Debian (./build.sh --target=Test installs it)
public sealed class S3RemoteCacheTests(SwiftKind kind) : RemoteCacheContractTests<SwiftKind>(kind)
{
    [Fact]
    public async Task Wrong_credentials_fail_naming_the_remote_and_never_the_secret()
    {
        var remote = RemoteCacheAddress.Open(Kind.Address("creds"), Kind.WithSecret("not-the-secret-7f3a"));

        var failure = await Assert.ThrowsAsync<RemoteCacheException>(() => remote.HasBlobAsync(ContentHash.Of("x"), Ct));

        Assert.False(failure.Transient);
        Assert.Contains($"s3://{Kind.Server.Bucket}/creds at {Kind.Server.Endpoint}: wrong credentials", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret-7f3a", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Kind.Server.SecretKey, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_is_named()
    {
        var remote = RemoteCacheAddress.Open("s3://no-such-bucket/x", Kind.Options);

        var failure = await Assert.ThrowsAsync<RemoteCacheException>(() => remote.PutRecordAsync(ContentHash.Of("x"), [1], Ct));

        Assert.Contains("the bucket does not exist", failure.Message, StringComparison.Ordinal);
    }
}
