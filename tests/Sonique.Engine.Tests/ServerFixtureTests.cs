using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Servers;

namespace Sonique.Engine.Tests;

/// <summary>The remote-cache tests' servers, started for real: each stores and serves bytes, and leaves no process behind.</summary>
[Trait("Tier", "Tool")] // nginx and Swift from Debian's packages (./build.sh --target=Test installs them)
public sealed class ServerFixtureTests : IDisposable
{
    private readonly TempFolder _folder = new("servers-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Nginx_keeps_a_blob_under_its_hash_and_its_whole_process_group_ends_when_stopped()
    {
        var blob = RandomNumberGenerator.GetBytes(300_000);
        var key = Convert.ToHexStringLower(SHA256.HashData(blob));
        using var http = new HttpClient();
        var server = await NginxCacheServer.StartAsync(_folder.PathOf("nginx"), Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"nginx started in {server.StartupTime.TotalSeconds:0.000} s");
        int group;
        await using (server)
        {
            group = NginxMasterPid(server);
            Assert.True(ProcessesInGroup(group).Count >= 2, "nginx runs a master and its workers in the group it was started in");

            Assert.Equal(HttpStatusCode.Created, await PutAsync(http, $"{server.Endpoint}/cas/{key}", blob));
            Assert.Equal(HttpStatusCode.NoContent, await PutAsync(http, $"{server.Endpoint}/cas/{key}", blob));
            Assert.Equal(blob, await http.GetByteArrayAsync(new Uri($"{server.Endpoint}/cas/{key}"), Ct));
            Assert.Equal(blob, await File.ReadAllBytesAsync(Path.Combine(server.DataFolder, "cas", key), Ct));
            using (var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{server.Endpoint}/cas/{key}"), Ct))
            {
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
                Assert.Equal(blob.Length, head.Content.Headers.ContentLength);
            }

            Assert.Equal(HttpStatusCode.Created, await PutAsync(http, $"{server.Endpoint}/team/ac/{key}", [1, 2, 3]));
            Assert.Equal(HttpStatusCode.Created, await PutAsync(http, $"{server.Endpoint}/cas/{key[..32]}", blob)); // Sonique's 128-bit hash
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, $"{server.Endpoint}/ac/{key}"));
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, $"{server.Endpoint}/cas/{new string('0', 64)}"));
            Assert.Equal(HttpStatusCode.NotFound, await PutAsync(http, $"{server.Endpoint}/cas/not-a-hash", blob));
            Assert.Equal(HttpStatusCode.NotFound, await PutAsync(http, $"{server.Endpoint}/cas/{key[..40]}", blob));
            Assert.Contains($"\"PUT /cas/{key} HTTP/1.1\" 201", await File.ReadAllTextAsync(server.AccessLog, Ct), StringComparison.Ordinal);
        }

        Assert.Empty(ProcessesInGroup(group));
        Assert.False(await ServerProcessGroup.AcceptsAsync(server.Port, Ct));
    }

    [Fact]
    public async Task Nginx_with_a_required_authorization_refuses_requests_without_it()
    {
        await using var server = await NginxCacheServer.StartAsync(_folder.PathOf("nginx"), Ct, requiredAuthorization: "Bearer s3cret");
        var url = $"{server.Endpoint}/cas/{new string('a', 64)}";
        using var anonymous = new HttpClient();
        using var wrong = new HttpClient { DefaultRequestHeaders = { { "Authorization", "Bearer guess" } } };
        using var right = new HttpClient { DefaultRequestHeaders = { { "Authorization", "Bearer s3cret" } } };

        Assert.Equal(HttpStatusCode.Unauthorized, await PutAsync(anonymous, url, [1]));
        Assert.Equal(HttpStatusCode.Unauthorized, await PutAsync(wrong, url, [1]));
        Assert.Equal(HttpStatusCode.Created, await PutAsync(right, url, [1]));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(anonymous, url));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(right, url));
    }

    [Fact]
    public async Task A_paused_nginx_leaves_requests_hanging_until_it_resumes_and_a_stopped_one_refuses_them()
    {
        await using var server = await NginxCacheServer.StartAsync(_folder.PathOf("nginx"), Ct);
        var url = $"{server.Endpoint}/cas/{new string('b', 64)}";
        using var impatient = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };

        await server.PauseAsync(Ct);
        await Assert.ThrowsAsync<TaskCanceledException>(() => StatusAsync(impatient, url));
        await server.ResumeAsync(Ct);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(impatient, url));

        await server.StopAsync();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => StatusAsync(impatient, url));
        Assert.Equal(HttpRequestError.ConnectionError, refused.HttpRequestError);
    }

    [Fact]
    public async Task Swift_s3api_stores_and_serves_an_object_signed_by_AWSSDK_refuses_a_wrong_secret_and_ends_its_processes()
    {
        var blob = RandomNumberGenerator.GetBytes(300_000);
        var key = "cas/" + Convert.ToHexStringLower(SHA256.HashData(blob));
        var server = await SwiftS3Server.StartAsync(_folder.PathOf("swift"), Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"Swift started in {server.StartupTime.TotalSeconds:0.000} s");
        int[] servers;
        await using (server)
        {
            servers = [.. SwiftServersOf(server.DataFolder)];
            Assert.Equal(4, servers.Length); // object, container, account and proxy, each a process of its own

            using var s3 = Client(server, server.SecretKey);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = server.Bucket, Key = key, InputStream = new MemoryStream(blob), UseChunkEncoding = false }, Ct);
            using (var got = await s3.GetObjectAsync(server.Bucket, key, Ct))
            {
                using var read = new MemoryStream();
                await got.ResponseStream.CopyToAsync(read, Ct);
                Assert.Equal(blob, read.ToArray());
            }

            var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = server.Bucket, Prefix = "cas/" }, Ct);
            var only = Assert.Single(listed.S3Objects);
            Assert.Equal((key, (long?)blob.Length), (only.Key, only.Size));
            Assert.NotEmpty(Directory.EnumerateFiles(server.DataFolder, "*.data", SearchOption.AllDirectories));

            using var intruder = Client(server, "not-the-secret");
            var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => intruder.GetObjectAsync(server.Bucket, key, Ct));
            Assert.Equal("SignatureDoesNotMatch", refused.ErrorCode);
        }

        Assert.All(servers, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"Swift server {pid} still runs"));
        Assert.False(await ServerProcessGroup.AcceptsAsync(server.Port, Ct));
    }

    [Fact]
    public async Task A_server_that_cannot_start_throws_with_its_log_and_leaves_nothing_running()
    {
        var folder = _folder.PathOf("nginx");
        // nginx binds its port, then fails to write its pid file over a folder, and exits.
        Directory.CreateDirectory(Path.Combine(folder, "nginx.pid"));

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => NginxCacheServer.StartAsync(folder, Ct));

        Assert.Contains("nginx ended while nginx in", failed.Message, StringComparison.Ordinal);
        Assert.Contains("nginx.pid\" failed (21: Is a directory)", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(LiveProcesses(), process => process.CommandLine.Contains(folder, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_server_names_the_package_to_install()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => ServerProcessGroup.Require("/usr/sbin/no-such-server", "no-such-package"));

        Assert.Contains("apt-get install -y --no-install-recommends no-such-package", missing.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private static AmazonS3Client Client(SwiftS3Server server, string secret) => new(
        new BasicAWSCredentials(server.AccessKey, secret),
        new AmazonS3Config
        {
            ServiceURL = server.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = server.Region,
            // The SDK's default CRC32 trailers ride on aws-chunked uploads, which s3api refuses.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0,
        });

    private static async Task<HttpStatusCode> PutAsync(HttpClient http, string url, byte[] body)
    {
        using var response = await http.PutAsync(new Uri(url), new ByteArrayContent(body), Ct);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(new Uri(url), Ct);
        return response.StatusCode;
    }

    private static int NginxMasterPid(NginxCacheServer server) =>
        int.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(server.DataFolder)!, "nginx.pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The live processes whose process group is <paramref name="group"/> (field 5 of /proc/PID/stat).</summary>
    private static List<int> ProcessesInGroup(int group) =>
        [.. LiveProcesses().Where(process => process.Stat.Split(' ')[4] == group.ToString(CultureInfo.InvariantCulture)).Select(process => process.Pid)];

    /// <summary>The live Swift servers started for <paramref name="dataFolder"/>: python running the launcher in its
    /// folder (the guards' bash command lines name the launcher too).</summary>
    private static IEnumerable<int> SwiftServersOf(string dataFolder) =>
        LiveProcesses().Where(process => process.CommandLine.StartsWith($"/usr/bin/python3 {Path.GetDirectoryName(dataFolder)}/etc/launch.py ", StringComparison.Ordinal))
            .Select(process => process.Pid);

    private static IEnumerable<(int Pid, string Stat, string CommandLine)> LiveProcesses()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat, commandLine;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue; // ended while listed
            }

            // The fields after the command name (which may hold spaces) start with the state; a zombie has ended.
            var fields = stat[(stat.LastIndexOf(')') + 2)..];
            if (!fields.StartsWith('Z'))
            {
                yield return (pid, "pid comm " + fields, commandLine);
            }
        }
    }
}
