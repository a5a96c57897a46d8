using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Sonique.Tests.Shared.Servers;

/// <summary>
/// A real Bazel-protocol HTTP cache on loopback: nginx (Debian's nginx-light) with WebDAV PUT, serving
/// <c>PUT|GET|HEAD [/prefix]/cas/&lt;hex&gt;</c> and <c>[/prefix]/ac/&lt;hex&gt;</c>, 64 hex digits as Bazel's SHA-256 or 32 as
/// Sonique's own content hash (201 on a new PUT, 204 on
/// overwrite, 404 on a miss, 404 for any other path). Everything lives in the given folder: the config written
/// here, the data, nginx's temp files and the logs; no system file is read or written.
/// </summary>
internal sealed class NginxCacheServer : IAsyncDisposable
{
    public const string Package = "nginx-light";

    private const string Nginx = "/usr/sbin/nginx";

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly ServerProcessGroup _processes;

    private NginxCacheServer(ServerProcessGroup processes, string folder, int port, TimeSpan startupTime)
    {
        _processes = processes;
        Port = port;
        Endpoint = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        DataFolder = Path.Combine(folder, "data");
        AccessLog = Path.Combine(folder, "log", "access.log");
        StartupTime = startupTime;
    }

    /// <summary><c>http://127.0.0.1:PORT</c>, no trailing slash.</summary>
    public string Endpoint { get; }

    public int Port { get; }

    /// <summary>Where a PUT of <c>/cas/H</c> lands as the file <c>DataFolder/cas/H</c> (for a test that corrupts or
    /// removes an object on the server).</summary>
    public string DataFolder { get; }

    /// <summary>One line per request (method, path, status), for a test that counts what a client asked.</summary>
    public string AccessLog { get; }

    public TimeSpan StartupTime { get; }

    /// <summary>Starts nginx in <paramref name="folder"/> on a free loopback port and returns once it answers.
    /// With <paramref name="requiredAuthorization"/> (a whole header value, e.g. <c>Bearer s3cret</c>) every cache
    /// request without exactly that Authorization header gets 401.</summary>
    public static Task<NginxCacheServer> StartAsync(string folder, CancellationToken cancellationToken, string? requiredAuthorization = null)
    {
        ServerProcessGroup.Require(Nginx, Package);
        if (requiredAuthorization is not null && requiredAuthorization.Any(c => c is '"' or '\\' or '$' or '\n' or '\r'))
        {
            throw new ArgumentException("the required Authorization value cannot hold a quote, backslash, $ or line break", nameof(requiredAuthorization));
        }

        folder = Path.GetFullPath(folder);
        foreach (var sub in new[] { "data/cas", "data/ac", "tmp", "log" })
        {
            Directory.CreateDirectory(Path.Combine(folder, sub));
        }

        var clock = Stopwatch.StartNew();
        return ServerProcessGroup.StartOnFreePortsAsync($"nginx in {folder}", 1, async (processes, ports, cancel) =>
        {
            var port = ports[0];
            var readyNonce = Guid.NewGuid().ToString("N");
            var config = Path.Combine(folder, "nginx.conf");
            await File.WriteAllTextAsync(config, Config(folder, port, readyNonce, requiredAuthorization), cancel);
            // -e stderr: nginx opens its compiled-in error log before it reads the config, and that path is
            // /var/log/nginx/error.log on some builds (not writable by a user); stderr goes to the log here.
            await processes.StartAsync("nginx", Nginx, ["-p", folder, "-e", "stderr", "-c", config], Path.Combine(folder, "log", "nginx.log"), cancel);
            await processes.WaitUntilReadyAsync(ready => AnswersAsync(port, readyNonce, ready), cancel);
            return new NginxCacheServer(processes, folder, port, clock.Elapsed);
        }, cancellationToken);
    }

    /// <summary>Freezes nginx (every request hangs until <see cref="ResumeAsync"/>): a remote that stopped answering.</summary>
    public Task PauseAsync(CancellationToken cancellationToken) => _processes.PauseAsync(cancellationToken);

    public Task ResumeAsync(CancellationToken cancellationToken) => _processes.ResumeAsync(cancellationToken);

    /// <summary>Stops nginx: connections are refused from then on. The data stays in the folder.</summary>
    public Task StopAsync() => _processes.StopAsync();

    public ValueTask DisposeAsync() => _processes.DisposeAsync();

    private static string Config(string folder, int port, string readyNonce, string? requiredAuthorization)
    {
        // As root nginx runs its workers as `nobody`, who cannot write a data folder root made (PUT answers 500).
        var user = Environment.IsPrivilegedProcess ? $"user {Environment.UserName};" : "";
        var authorization = requiredAuthorization is null
            ? ""
            : $$"""if ($http_authorization != "{{requiredAuthorization}}") { return 401; }""";
        // client_body_temp_path is on the data's filesystem, so a PUT lands by rename: a reader never sees half an
        // object, and concurrent PUTs of one key are safe. The other temp paths default to /var/lib/nginx.
        return $$"""
            {{user}}
            daemon off;
            worker_processes 2;
            pid {{folder}}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 512; }
            http {
                access_log {{folder}}/log/access.log;
                log_not_found off;
                client_body_temp_path {{folder}}/tmp/body;
                proxy_temp_path {{folder}}/tmp/proxy;
                fastcgi_temp_path {{folder}}/tmp/fastcgi;
                uwsgi_temp_path {{folder}}/tmp/uwsgi;
                scgi_temp_path {{folder}}/tmp/scgi;
                client_max_body_size 0;
                sendfile on;
                server {
                    listen 127.0.0.1:{{port}};
                    root {{folder}}/data;
                    location ~ "^/(.+/)?(cas|ac)/[0-9a-f]{32}([0-9a-f]{32})?$" {
                        {{authorization}}
                        dav_methods PUT;
                        create_full_put_path on;
                        dav_access user:rw group:r all:r;
                    }
                    location = /.ready { return 200 "{{readyNonce}}"; }
                    location / { return 404; }
                }
            }
            """;
    }

    /// <summary>Whether this nginx answers: the nonce in its config tells it from another server that holds the port.</summary>
    private static async Task<bool> AnswersAsync(int port, string readyNonce, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Probe.GetAsync(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/.ready"), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync(cancellationToken) == readyNonce;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The probe's own timeout: a worker not answering yet.
            return false;
        }
    }
}
