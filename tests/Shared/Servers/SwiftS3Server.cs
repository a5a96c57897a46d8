using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Sonique.Tests.Shared.Servers;

/// <summary>
/// A real S3-compatible server on loopback: a one-node OpenStack Swift (Debian's swift-proxy, -object, -container,
/// -account) with the s3api middleware, tempauth for the keys, and a private memcached, with one bucket made.
/// Path-style addressing, region us-east-1, SigV4. Everything lives in the given folder: configs, rings, the
/// objects and the logs; no system file is read or written (Swift's swift.conf path is a module constant, so
/// every server starts through a launcher that points it into the folder, as Swift's own in-process tests do).
/// </summary>
internal sealed class SwiftS3Server : IAsyncDisposable
{
    private const string TempauthUser = "test:tester";
    private const string TempauthKey = "testing";
    private const string Python = "/usr/bin/python3";
    private const string Memcached = "/usr/bin/memcached";

    // Debian's python3, not the first python3 on PATH, which may be one without the swift module.
    private static readonly (string Executable, string Package)[] Packages =
    [
        (Python, "python3"),
        ("/usr/bin/swift-proxy-server", "swift-proxy"),
        ("/usr/bin/swift-object-server", "swift-object"),
        ("/usr/bin/swift-container-server", "swift-container"),
        ("/usr/bin/swift-account-server", "swift-account"),
        (Memcached, "memcached"),
    ];

    private static readonly string[] StorageServers = ["object", "container", "account"];

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly ServerProcessGroup _processes;

    private SwiftS3Server(ServerProcessGroup processes, string folder, int port, string bucket, TimeSpan startupTime)
    {
        _processes = processes;
        Port = port;
        Endpoint = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        Bucket = bucket;
        DataFolder = Path.Combine(folder, "srv");
        StartupTime = startupTime;
    }

    /// <summary>The S3 endpoint, <c>http://127.0.0.1:PORT</c>, no trailing slash.</summary>
    public string Endpoint { get; }

    public int Port { get; }

    /// <summary>tempauth's <c>ACCOUNT:USER</c>, which s3api takes as the access key id.</summary>
    public string AccessKey { get; } = TempauthUser;

    public string SecretKey { get; } = TempauthKey;

    public string Region { get; } = "us-east-1";

    /// <summary>A bucket made at start, empty.</summary>
    public string Bucket { get; }

    /// <summary>Swift's device folder (objects are .data files deep under it).</summary>
    public string DataFolder { get; }

    public TimeSpan StartupTime { get; }

    /// <summary>Starts Swift in <paramref name="folder"/> on free loopback ports and returns once the S3 endpoint
    /// answers and <paramref name="bucket"/> exists.</summary>
    public static Task<SwiftS3Server> StartAsync(string folder, CancellationToken cancellationToken, string bucket = "sonique-cache")
    {
        foreach (var (executable, package) in Packages)
        {
            ServerProcessGroup.Require(executable, package);
        }

        folder = Path.GetFullPath(folder);
        foreach (var sub in new[] { "etc", "srv/d1", "log" })
        {
            Directory.CreateDirectory(Path.Combine(folder, sub));
        }

        var clock = Stopwatch.StartNew();
        return ServerProcessGroup.StartOnFreePortsAsync($"Swift in {folder}", 5, async (processes, ports, cancel) =>
        {
            var (proxyPort, memcachedPort, storagePorts) = (ports[0], ports[1], ports[2..]);
            var etc = Path.Combine(folder, "etc");
            var swiftConf = Path.Combine(etc, "swift.conf");
            await File.WriteAllTextAsync(swiftConf, SwiftConf, cancel);
            await File.WriteAllTextAsync(Path.Combine(etc, "launch.py"), Launcher, cancel);
            for (var i = 0; i < StorageServers.Length; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(etc, $"{StorageServers[i]}-server.conf"), StorageServerConf(folder, StorageServers[i], storagePorts[i]), cancel);
            }

            await File.WriteAllTextAsync(Path.Combine(etc, "proxy-server.conf"), ProxyConf(folder, proxyPort, memcachedPort), cancel);
            List<string> memcachedArguments = ["-l", "127.0.0.1", "-p", Invariant(memcachedPort), "-U", "0", "-m", "16"];
            if (Environment.IsPrivilegedProcess)
            {
                memcachedArguments.AddRange(["-u", Environment.UserName]);
            }

            await processes.StartAsync("memcached", Memcached, memcachedArguments, Path.Combine(folder, "log", "memcached.log"), cancel);
            foreach (var server in StorageServers.Append("proxy"))
            {
                // The proxy, the only server that reads the rings at start, builds them first (in its own
                // interpreter: swift-ring-builder would start nine, about 5 s here).
                List<string> arguments = [Path.Combine(etc, "launch.py"), Path.Combine(etc, $"{server}-server.conf"), $"{server}-server", swiftConf];
                if (server == "proxy")
                {
                    arguments.AddRange(storagePorts.Select(Invariant));
                }

                await processes.StartAsync($"swift-{server}-server", Python, arguments, Path.Combine(folder, "log", $"{server}.log"), cancel);
            }

            await processes.WaitUntilReadyAsync(ready => MakeBucketAsync(ports, bucket, ready), cancel);
            return new SwiftS3Server(processes, folder, proxyPort, bucket, clock.Elapsed);
        }, cancellationToken);
    }

    /// <summary>Freezes every Swift process (requests hang until <see cref="ResumeAsync"/>): a remote that stopped answering.</summary>
    public Task PauseAsync(CancellationToken cancellationToken) => _processes.PauseAsync(cancellationToken);

    public Task ResumeAsync(CancellationToken cancellationToken) => _processes.ResumeAsync(cancellationToken);

    /// <summary>Stops every Swift process: connections are refused from then on.</summary>
    public Task StopAsync() => _processes.StopAsync();

    public ValueTask DisposeAsync() => _processes.DisposeAsync();

    private static string Invariant(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Ready once every port accepts and the bucket is made through Swift's own API (tempauth's token
    /// from memcached, then a container PUT), which needs the proxy, memcached and every storage server.</summary>
    private static async Task<bool> MakeBucketAsync(int[] ports, string bucket, CancellationToken cancellationToken)
    {
        foreach (var port in ports)
        {
            if (!await ServerProcessGroup.AcceptsAsync(port, cancellationToken))
            {
                return false;
            }
        }

        try
        {
            using var auth = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Invariant(ports[0])}/auth/v1.0");
            auth.Headers.Add("X-Auth-User", TempauthUser);
            auth.Headers.Add("X-Auth-Key", TempauthKey);
            using var authorized = await Probe.SendAsync(auth, cancellationToken);
            if (authorized.StatusCode != HttpStatusCode.OK
                || !authorized.Headers.TryGetValues("X-Auth-Token", out var tokens)
                || !authorized.Headers.TryGetValues("X-Storage-Url", out var storageUrls))
            {
                return false;
            }

            using var put = new HttpRequestMessage(HttpMethod.Put, $"{storageUrls.First()}/{bucket}");
            put.Headers.Add("X-Auth-Token", tokens.First());
            put.Content = new ByteArrayContent([]);
            using var made = await Probe.SendAsync(put, cancellationToken);
            return made.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private const string SwiftConf = """
        [swift-hash]
        swift_hash_path_suffix = sonique-test-suffix
        swift_hash_path_prefix = sonique-test-prefix

        [storage-policy:0]
        name = Policy-0
        default = yes
        """;

    /// <summary>Starts one Swift server with swift.conf in the folder; given the storage servers' ports (object,
    /// container, account), it first builds their one-device rings next to swift.conf. The object server keeps an
    /// object's metadata in user xattrs: on a filesystem that refuses them (an older tmpfs) it ends at start with
    /// that reason, instead of failing every PUT later.</summary>
    private const string Launcher = """
        import configparser, os, sys
        conf, name, swift_conf, *ring_ports = sys.argv[1:]
        if name == "object-server":
            parser = configparser.ConfigParser()
            parser.read(conf)
            devices = parser["DEFAULT"]["devices"]
            try:
                os.setxattr(devices, "user.sonique.probe", b"1")
            except OSError as e:
                sys.exit(f"{devices} cannot hold user xattrs ({e}), which Swift's object server needs: set TMPDIR to a folder on ext4, xfs or btrfs")
        from swift.common import utils, storage_policy, constraints
        utils.SWIFT_CONF_FILE = storage_policy.SWIFT_CONF_FILE = swift_conf
        constraints.reload_constraints()
        storage_policy.reload_storage_policies()
        if ring_ports:
            from swift.common.ring import RingBuilder
            for ring, port in zip(("object", "container", "account"), ring_ports):
                builder = RingBuilder(8, 1, 1)
                builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": int(port), "device": "d1", "weight": 100})
                builder.rebalance()
                builder.get_ring().save(os.path.join(os.path.dirname(swift_conf), f"{ring}.ring.gz"))
        from swift.common.wsgi import run_wsgi
        # verbose: the log also goes to stderr, which is the server's log file (there is no /dev/log for syslog)
        sys.exit(run_wsgi(conf, name, verbose=True))
        """;

    /// <summary>What every server's [DEFAULT] holds. workers = 0: the server runs in the process started (no
    /// forked workers), so a signal to it is a signal to the whole server. user: as root Swift drops to the user
    /// `swift`, who cannot write the folder. bind_timeout: a port taken meanwhile fails the start in a second
    /// (then it is tried again on new ports), not after Swift's 30 s of retrying.</summary>
    private static string Defaults(string folder, int port) => $"""
        [DEFAULT]
        bind_ip = 127.0.0.1
        bind_port = {Invariant(port)}
        workers = 0
        bind_timeout = 1
        user = {Environment.UserName}
        swift_dir = {folder}/etc
        devices = {folder}/srv
        mount_check = false
        disable_fallocate = true
        log_level = INFO
        """;

    private static string StorageServerConf(string folder, string server, int port) => $"""
        {Defaults(folder, port)}

        [pipeline:main]
        pipeline = {server}-server

        [app:{server}-server]
        use = egg:swift#{server}
        """;

    /// <summary>s3api comes before tempauth, which makes <c>user_test_tester</c> the access key <c>test:tester</c>;
    /// tempauth needs the cache (memcached) for its tokens.</summary>
    private static string ProxyConf(string folder, int port, int memcachedPort) => $"""
        {Defaults(folder, port)}

        [pipeline:main]
        pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server

        [app:proxy-server]
        use = egg:swift#proxy
        account_autocreate = true

        [filter:s3api]
        use = egg:swift#s3api
        location = us-east-1

        [filter:tempauth]
        use = egg:swift#tempauth
        user_test_tester = {TempauthKey} .admin

        [filter:cache]
        use = egg:swift#memcache
        memcache_servers = 127.0.0.1:{Invariant(memcachedPort)}

        [filter:catch_errors]
        use = egg:swift#catch_errors

        [filter:gatekeeper]
        use = egg:swift#gatekeeper

        [filter:healthcheck]
        use = egg:swift#healthcheck

        [filter:proxy-logging]
        use = egg:swift#proxy_logging

        [filter:listing_formats]
        use = egg:swift#listing_formats

        [filter:copy]
        use = egg:swift#copy

        [filter:slo]
        use = egg:swift#slo

        [filter:dlo]
        use = egg:swift#dlo

        [filter:versioned_writes]
        use = egg:swift#versioned_writes
        """;
}
