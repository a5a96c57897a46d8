using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Sonique.Tests.Shared;

/// <summary>
/// An HTTP server on 127.0.0.1 that serves a folder, so yt-dlp's real download path runs offline. A path
/// can be made to answer with a fixed status (404 for a removed video, 403 for a private one) or to fail
/// with 503 a number of times before it succeeds (a flaky network).
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly ConcurrentDictionary<string, int> _status = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly Task _loop;

    public LoopbackServer(string root)
    {
        _root = root;
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    public string Url(string path) => BaseUrl + path;

    public void AnswerWith(string path, int status) => _status[path] = status;

    public void FailTimes(string path, int times) => _failuresLeft[path] = times;

    /// <summary>How many requests a path has had (yt-dlp may ask more than once per download).</summary>
    public int Requests(string path) => _requests.GetValueOrDefault(path);

    public void Dispose()
    {
        _listener.Stop();
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // Close after Stop looks the port up again and can collide with another test's server that took the
            // port meanwhile ("Address already in use"); the listener is stopped either way.
        }

        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by its listener being stopped under it.
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Serve(context));
        }
    }

    private void Serve(HttpListenerContext context)
    {
        var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath.TrimStart('/'));
        _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        var response = context.Response;
        try
        {
            if (_status.TryGetValue(path, out var status))
            {
                response.StatusCode = status;
                return;
            }

            if (_failuresLeft.TryGetValue(path, out var left) && left > 0)
            {
                _failuresLeft[path] = left - 1;
                response.StatusCode = 503;
                return;
            }

            var file = Path.GetFullPath(Path.Combine(_root, path));
            if (!file.StartsWith(Path.GetFullPath(_root), StringComparison.Ordinal) || !File.Exists(file))
            {
                response.StatusCode = 404;
                return;
            }

            var bytes = File.ReadAllBytes(file);
            response.ContentType = Path.GetExtension(file) switch
            {
                ".mp4" => "video/mp4",
                ".webm" => "video/webm",
                ".xml" or ".rss" => "application/rss+xml",
                _ => "application/octet-stream",
            };
            response.ContentLength64 = bytes.Length;
            if (context.Request.HttpMethod != "HEAD")
            {
                response.OutputStream.Write(bytes);
            }
        }
        catch (HttpListenerException)
        {
            // The client went away.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (HttpListenerException)
            {
            }
        }
    }
}
