using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sonique.Engine;
using Sonique.Engine.Hashing;

namespace Sonique.Remote;

/// <summary>
/// Bazel's HTTP remote-cache protocol, which bazel-remote and any WebDAV server (nginx) speak: <c>GET|PUT|HEAD
/// {prefix}/cas/&lt;hash&gt;</c> for blobs and <c>{prefix}/ac/&lt;key&gt;</c> for records; 404 is a miss. Bazel names a
/// blob by its SHA-256; Sonique names it by its own content hash (XXH3-128, 32 hex digits), which a WebDAV server
/// stores as it is (bazel-remote, which checks SHA-256 names, would refuse it). What comes back is verified by the
/// engine. Credentials: <c>SONIQUE_REMOTE_TOKEN</c> as a bearer token, or basic auth from the address's user
/// information; neither is ever part of <see cref="Name"/> or of a message.
/// </summary>
public sealed class HttpRemoteCache : IRemoteCache, IDisposable
{
    /// <summary>An upload may take this long per byte beyond the timeout: a slow link is not a dead one.</summary>
    private const double SlowestBytesPerSecond = 1 << 20;

    private readonly HttpClient _client;
    private readonly string _base;
    private readonly TimeSpan _timeout;

    public HttpRemoteCache(Uri address, string name, RemoteCacheOptions options)
    {
        Name = name;
        _timeout = options.Timeout;
        _base = new UriBuilder(address) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.AbsoluteUri.TrimEnd('/');
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            // Each request has its own deadline (a big upload gets longer); HttpClient's own would cut a long download.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (options.Environment("SONIQUE_REMOTE_TOKEN") is { Length: > 0 } token)
        {
            _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (address.UserInfo.Length > 0)
        {
            var credentials = Uri.UnescapeDataString(address.UserInfo);
            _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }
    }

    public string Name { get; }

    public async Task<bool> HasBlobAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, BlobUrl(hash)), _timeout, cancellationToken);
        return IsHit(response);
    }

    public async Task<Stream?> TryOpenBlobAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, BlobUrl(hash)), _timeout, cancellationToken);
        if (!IsHit(response))
        {
            response.Dispose();
            return null;
        }

        // The content's stream owns the connection: disposing of it (the engine does) releases both.
        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    public async Task PutBlobAsync(ContentHash hash, string file, CancellationToken cancellationToken)
    {
        var length = new FileInfo(file).Length;
        var deadline = _timeout + TimeSpan.FromSeconds(length / SlowestBytesPerSecond);
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, BlobUrl(hash))
            {
                Content = new StreamContent(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan), 1 << 20)
                {
                    Headers = { ContentLength = length },
                },
            },
            deadline,
            cancellationToken);
        Stored(response);
    }

    public async Task<byte[]?> TryGetRecordAsync(ContentHash key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, RecordUrl(key)), _timeout, cancellationToken, HttpCompletionOption.ResponseContentRead);
        return IsHit(response) ? await response.Content.ReadAsByteArrayAsync(cancellationToken) : null;
    }

    public async Task PutRecordAsync(ContentHash key, byte[] record, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, RecordUrl(key)) { Content = new ByteArrayContent(record) }, _timeout, cancellationToken);
        Stored(response);
    }

    public void Dispose() => _client.Dispose();

    private string BlobUrl(ContentHash hash) => $"{_base}/cas/{hash}";

    private string RecordUrl(ContentHash key) => $"{_base}/ac/{key}";

    /// <summary>Sends within a deadline; what cannot heal (refused credentials, a wrong address) is told apart from what
    /// may (no connection, no answer in time, a server error).</summary>
    private async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> request,
        TimeSpan deadline,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseHeadersRead)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        HttpResponseMessage response;
        try
        {
            using var message = request();
            response = await _client.SendAsync(message, completion, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteCacheException($"{Name}: no answer within {deadline.TotalSeconds:F0} s", transient: true, e);
        }
        catch (HttpRequestException e)
        {
            throw new RemoteCacheException($"{Name}: {e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "the host name does not resolve",
                HttpRequestError.ConnectionError => "cannot connect",
                _ => e.Message,
            }}", transient: true, e);
        }

        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound)
        {
            return response;
        }

        var status = (int)response.StatusCode;
        response.Dispose();
        throw status switch
        {
            401 or 403 => new RemoteCacheException($"{Name}: access refused (HTTP {status}): check the credentials (SONIQUE_REMOTE_TOKEN, or user:password in the address)", transient: false),
            408 or 429 or >= 500 => new RemoteCacheException($"{Name}: the server answered HTTP {status}", transient: true),
            _ => new RemoteCacheException($"{Name}: the server answered HTTP {status} (is this a Bazel HTTP cache or a WebDAV server that accepts PUT?)", transient: false),
        };
    }

    private static bool IsHit(HttpResponseMessage response) => response.StatusCode != HttpStatusCode.NotFound;

    private void Stored(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new RemoteCacheException($"{Name}: the server refused the upload (HTTP 404): does it accept PUT?", transient: false);
        }
    }
}
