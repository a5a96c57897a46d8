using Sonique.Engine;

namespace Sonique.Remote;

/// <summary>How to reach a remote cache beyond its address.</summary>
public sealed record RemoteCacheOptions
{
    /// <summary>How long a request may wait for an answer before it counts as failed (and is retried).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An S3-compatible store's endpoint (<c>http://host:port</c>); null for AWS itself, or
    /// <c>AWS_ENDPOINT_URL_S3</c> / <c>AWS_ENDPOINT_URL</c> when set.</summary>
    public string? S3Endpoint { get; init; }

    /// <summary>Read for credentials: a bearer token (<c>SONIQUE_REMOTE_TOKEN</c>), the AWS variables.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}

/// <summary>A remote cache's address: <c>file:///path</c>, <c>http(s)://host/prefix</c> or <c>s3://bucket/prefix</c>.</summary>
public static class RemoteCacheAddress
{
    public static readonly IReadOnlyList<string> Schemes = ["file", "http", "https", "s3"];

    /// <summary>Why <paramref name="address"/> cannot be a remote cache, or null when it can.</summary>
    public static string? Problem(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme, StringComparer.Ordinal))
        {
            return $"'{Redacted(address)}' is not a remote cache address: use file:///path, http(s)://host/prefix or s3://bucket/prefix";
        }

        return uri.Scheme switch
        {
            "file" when !uri.IsLoopback || uri.AbsolutePath is "/" => $"'{Redacted(address)}' must name a local folder (file:///path)",
            "s3" when string.IsNullOrEmpty(uri.Host) => $"'{Redacted(address)}' names no bucket (s3://bucket/prefix)",
            _ => null,
        };
    }

    /// <summary>The address as a log may show it: without the credentials of its user information or its query.</summary>
    public static string Redacted(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            // Not parseable, so its parts are unknown: anything before an '@' may be a secret.
            var at = address.LastIndexOf('@');
            return at < 0 ? address : "***" + address[at..];
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? "" : $":{uri.Port}";
        return uri.Scheme == "file" ? $"file://{uri.AbsolutePath}" : $"{uri.Scheme}://{uri.Host}{port}{uri.AbsolutePath.TrimEnd('/')}";
    }

    public static IRemoteCache Open(string address, RemoteCacheOptions? options = null)
    {
        options ??= new RemoteCacheOptions();
        if (Problem(address) is { } problem)
        {
            throw new ArgumentException(problem, nameof(address));
        }

        var uri = new Uri(address);
        var name = Redacted(address);
        return uri.Scheme switch
        {
            "file" => new FolderRemoteCache(uri.LocalPath, name),
            "s3" => S3RemoteCache.Create(uri, name, options),
            _ => new HttpRemoteCache(uri, name, options),
        };
    }
}
