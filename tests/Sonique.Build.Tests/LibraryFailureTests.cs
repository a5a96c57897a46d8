using System.Globalization;
using Sonique.Analysis.Audio;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Ingest.Download;
using Sonique.Media;

namespace Sonique.Build.Tests;

/// <summary>The libraries report a clip they cannot use in their own terms, knowing nothing of the engine; the host
/// makes it that item's failure, with the library's reason, retried only when retrying may help.</summary>
public sealed class LibraryFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sonique-failures-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_clip_a_library_cannot_use_fails_alone_with_the_librarys_reason_and_only_a_network_failure_is_retried()
    {
        var ct = TestContext.Current.CancellationToken;
        var workspace = new Workspace(_dir);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "junk.mp4"), [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))], ct);
        await File.WriteAllTextAsync(Path.Combine(_dir, "remote.url"), "https://nonexistent.invalid/v", ct);
        var reader = new AudioReader(new Ffmpeg());
        var runs = 0;
        var stage = new ItemStage("Read", 1)
        {
            Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>(
                [new StageItem("junk", ["junk.mp4"], ["read/junk.txt"]), new StageItem("remote", ["remote.url"], ["read/remote.txt"])]),
            Run = async (run, token) =>
            {
                Interlocked.Increment(ref runs);
                if (run.Key == "remote")
                {
                    // What the downloader says of a host it cannot reach (its own tests make it say so).
                    throw new ClipDownloadException("unreachable (the host cannot be resolved) after 1 attempt, will be retried next run", permanent: false);
                }

                var audio = await reader.ReadAsync(run.Input(0), 22050, token);
                await File.WriteAllTextAsync(run.Output(0), audio.Samples.Length.ToString(CultureInfo.InvariantCulture), token);
            },
        };

        for (var pass = 1; pass <= 2; pass++)
        {
            using var pipeline = Pipeline.Open(workspace, new PipelineOptions { Jobs = 1, ItemFailureOf = SoniqueContext.ItemFailureOf });
            var report = await pipeline.RunAsync(stage, ct);
            Assert.Equal(pass == 1 ? (2, 0) : (1, 1), (report.Failed, report.KnownFailures));
            var failures = pipeline.FailedItems("Read").ToDictionary(f => f.Key, f => f.Value);
            Assert.StartsWith("audio cannot be decoded: ", failures["junk"].Failure, StringComparison.Ordinal);
            Assert.True(failures["junk"].Permanent);
            Assert.Equal("unreachable (the host cannot be resolved) after 1 attempt, will be retried next run", failures["remote"].Failure);
            Assert.False(failures["remote"].Permanent);
        }

        Assert.Equal(3, runs);
        Assert.DoesNotContain("Exception", RecordedText.Of(workspace.Root), StringComparison.Ordinal);
        Assert.Null(SoniqueContext.ItemFailureOf(new IOException("disk full")));
    }
}
