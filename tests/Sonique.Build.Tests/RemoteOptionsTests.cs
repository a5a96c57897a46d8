using Cake.Core;
using Sonique.Build.Host;
using Sonique.Remote;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests;

/// <summary>How the remote cache is chosen: the profile's <c>cache.*</c>, overridden by <c>--remote</c> and <c>--push</c>.</summary>
public sealed class RemoteOptionsTests : IDisposable
{
    private readonly TempFolder _folder = new("remote-options-");

    public void Dispose() => _folder.Dispose();

    private RunOptions Options(string? profile, params string[] args)
    {
        string? path = null;
        if (profile is not null)
        {
            path = _folder.PathOf("profile.yaml");
            File.WriteAllText(path, profile);
        }

        return RunOptions.From(new CakeArguments(CommandLine.Parse([.. args, .. path is null ? Array.Empty<string>() : [$"--config={path}"]])), SoniqueConfig.Load, out _);
    }

    [Fact]
    public void The_command_line_wins_over_the_profile_and_an_empty_remote_turns_it_off()
    {
        const string Profile = "cache:\n  remote: file:///srv/cache\n  push: false\n";

        Assert.Equal(("file:///srv/cache", false), (Options(Profile).Remote, Options(Profile).Push));
        Assert.Equal(("s3://bucket/team", true), (Options(Profile, "--remote=s3://bucket/team", "--push=true").Remote, Options(Profile, "--push").Push));
        Assert.Equal("", Options(Profile, "--remote=").Remote);
        Assert.Null(new SoniqueConfig().Cache.OpenRemote(Options(Profile, "--remote=").Remote));
        Assert.Null(Options(null).Remote);
        Assert.True(Options(null).Push);
    }

    [Fact]
    public void An_address_of_no_known_kind_is_refused_naming_the_forms_and_never_its_password()
    {
        var fromCommandLine = Assert.Throws<ArgumentException>(() => Options(null, "--remote=ftp://alice:hunter2@host/cache"));
        var fromProfile = Assert.Throws<InvalidDataException>(() => Options("cache:\n  remote: ftp://alice:hunter2@host/cache\n"));

        Assert.Contains("file:///path, http(s)://host/prefix or s3://bucket/prefix", fromCommandLine.Message, StringComparison.Ordinal);
        Assert.Contains("cache.remote: 'ftp://host/cache' is not a remote cache address", fromProfile.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", fromCommandLine.Message + fromProfile.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://alice:hunter2@cache.example.com:8443/team/?token=x", "https://cache.example.com:8443/team")]
    [InlineData("s3://bucket/prefix", "s3://bucket/prefix")]
    [InlineData("file:///srv/cache", "file:///srv/cache")]
    [InlineData("not a url with secret@host", "***@host")]
    public void A_remote_is_named_without_its_credentials(string address, string name) =>
        Assert.Equal(name, RemoteCacheAddress.Redacted(address));

    [Fact]
    public void The_remote_opened_is_of_the_address_kind()
    {
        var config = new SoniqueConfig();

        var folder = (FolderRemoteCache)config.Cache.OpenRemote($"file://{_folder.Root}")!;
        using var http = (HttpRemoteCache)config.Cache.OpenRemote("http://user:pw@127.0.0.1:9/x")!;

        Assert.Equal(_folder.Root, folder.Root);
        Assert.Equal("http://127.0.0.1:9/x", http.Name);
    }
}
