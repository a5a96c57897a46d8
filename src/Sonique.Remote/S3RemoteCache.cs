using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Sonique.Engine;
using Sonique.Engine.Hashing;

namespace Sonique.Remote;

/// <summary>
/// A remote cache in an S3 bucket (<c>s3://bucket/prefix</c>), on AWS or any S3-compatible store at a configurable
/// endpoint (OpenStack Swift's s3api, MinIO, Ceph): <c>{prefix}/cas/&lt;hash&gt;</c> for blobs and
/// <c>{prefix}/ac/&lt;key&gt;</c> for records. Credentials come from <c>AWS_ACCESS_KEY_ID</c> and
/// <c>AWS_SECRET_ACCESS_KEY</c> (and <c>AWS_SESSION_TOKEN</c>), else the SDK's standard chain (<c>AWS_PROFILE</c>,
/// <c>~/.aws/credentials</c>, ...). A PUT replaces an object whole, so machines putting the same object at once are safe.
/// </summary>
public sealed class S3RemoteCache(IAmazonS3 client, string bucket, string prefix, string name) : IRemoteCache, IDisposable
{
    public string Name { get; } = name;

    public static S3RemoteCache Create(Uri address, string name, RemoteCacheOptions options)
    {
        // CI passes an unset variable as an empty one.
        string? Variable(string name) => options.Environment(name) is { Length: > 0 } value ? value : null;
        var endpoint = options.S3Endpoint ?? Variable("AWS_ENDPOINT_URL_S3") ?? Variable("AWS_ENDPOINT_URL");
        var config = new AmazonS3Config
        {
            // The engine retries what may heal, a bounded number of times; the SDK's own retries would multiply that.
            MaxErrorRetry = 0,
            Timeout = options.Timeout,
            // Since 3.7.412 the SDK sends CRC32 trailers with aws-chunked uploads by default, which S3-compatible stores
            // refuse (aws/aws-sdk-net#3615); the engine verifies every blob by its own hash anyway.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = Variable("AWS_REGION") ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(Variable("AWS_REGION") ?? Variable("AWS_DEFAULT_REGION") ?? "us-east-1");
        }

        var client = Variable("AWS_ACCESS_KEY_ID") is { } key && Variable("AWS_SECRET_ACCESS_KEY") is { } secret
            ? new AmazonS3Client(
                Variable("AWS_SESSION_TOKEN") is { } session ? new SessionAWSCredentials(key, secret, session) : new BasicAWSCredentials(key, secret),
                config)
            : new AmazonS3Client(config);
        var shown = endpoint is null ? name : $"{name} at {RemoteCacheAddress.Redacted(endpoint)}";
        return new S3RemoteCache(client, address.Host, address.AbsolutePath.Trim('/'), shown);
    }

    public Task<bool> HasBlobAsync(ContentHash hash, CancellationToken cancellationToken) =>
        Exchange(async () =>
        {
            try
            {
                await client.GetObjectMetadataAsync(bucket, BlobKey(hash), cancellationToken);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        });

    public Task<Stream?> TryOpenBlobAsync(ContentHash hash, CancellationToken cancellationToken) =>
        Exchange(async () => (await TryGetAsync(BlobKey(hash), cancellationToken)) is { } response ? new ResponseStream(response) : (Stream?)null);

    public Task PutBlobAsync(ContentHash hash, string file, CancellationToken cancellationToken) =>
        Exchange(async () =>
        {
            // From the file's path: the SDK reads a seekable file and sends its length, never buffering it whole.
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = BlobKey(hash), FilePath = file, UseChunkEncoding = false }, cancellationToken);
            return true;
        });

    public Task<byte[]?> TryGetRecordAsync(ContentHash key, CancellationToken cancellationToken) =>
        Exchange(async () =>
        {
            using var response = await TryGetAsync(RecordKey(key), cancellationToken);
            if (response is null)
            {
                return null;
            }

            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        });

    public Task PutRecordAsync(ContentHash key, byte[] record, CancellationToken cancellationToken) =>
        Exchange(async () =>
        {
            using var body = new MemoryStream(record);
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = RecordKey(key), InputStream = body, UseChunkEncoding = false }, cancellationToken);
            return true;
        });

    public void Dispose() => client.Dispose();

    private string BlobKey(ContentHash hash) => Key("cas", hash);

    private string RecordKey(ContentHash key) => Key("ac", key);

    private string Key(string kind, ContentHash hash) => prefix.Length == 0 ? $"{kind}/{hash}" : $"{prefix}/{kind}/{hash}";

    private async Task<GetObjectResponse?> TryGetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetObjectAsync(bucket, key, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
    }

    /// <summary>The SDK's failures in the engine's terms: refused credentials and a missing bucket will not heal; no
    /// connection, no answer in time and server errors may. The message names the remote and the S3 error code, never a
    /// credential.</summary>
    private async Task<T> Exchange<T>(Func<Task<T>> exchange)
    {
        try
        {
            return await exchange();
        }
        catch (AmazonS3Exception e)
        {
            var status = (int)e.StatusCode;
            var code = string.IsNullOrEmpty(e.ErrorCode) ? $"HTTP {status}" : e.ErrorCode;
            throw code switch
            {
                "NoSuchBucket" => new RemoteCacheException($"{Name}: the bucket does not exist", transient: false, e),
                _ when status is 401 or 403 || code is "SignatureDoesNotMatch" or "InvalidAccessKeyId" or "InvalidToken" or "ExpiredToken" =>
                    new RemoteCacheException($"{Name}: wrong credentials or no permission ({code}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the AWS profile", transient: false, e),
                _ when status is 408 or 429 or >= 500 or 0 => new RemoteCacheException($"{Name}: {code}", transient: true, e),
                _ => new RemoteCacheException($"{Name}: {code}", transient: false, e),
            };
        }
        catch (AmazonServiceException e)
        {
            throw new RemoteCacheException($"{Name}: {e.ErrorCode ?? "no answer"}", transient: true, e);
        }
        catch (AmazonClientException e) when (e.InnerException is HttpRequestException or IOException or OperationCanceledException)
        {
            throw new RemoteCacheException($"{Name}: cannot connect", transient: true, e);
        }
        catch (AmazonClientException e) when (e.Message.StartsWith("Failed to resolve AWS credentials", StringComparison.Ordinal))
        {
            throw new RemoteCacheException($"{Name}: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE", transient: false, e);
        }
        catch (AmazonClientException e)
        {
            // A configuration the SDK refuses: its message says what, with no secret in it.
            throw new RemoteCacheException($"{Name}: {e.Message}", transient: false, e);
        }
        catch (HttpRequestException e)
        {
            throw new RemoteCacheException($"{Name}: cannot connect", transient: true, e);
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new RemoteCacheException($"{Name}: no answer in time", transient: true, e);
        }
    }

    /// <summary>A response's body whose disposal also ends the response.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => response.ResponseStream.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            response.ResponseStream.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            response.ResponseStream.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
