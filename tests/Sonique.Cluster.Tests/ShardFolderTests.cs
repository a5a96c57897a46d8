using Sonique.Engine;
using Sonique.Engine.SyntheticPipeline;
using Sonique.Tests.Shared;

namespace Sonique.Cluster.Tests;

/// <summary>What an array task works from: the items file the login node writes, read back whole (values too), and a
/// shard run from it alone, without listing the stage or reading the lock file; no cluster needed.</summary>
public sealed class ShardFolderTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempFolder _temp = new("shard-");

    [Fact]
    public async Task Each_task_reads_back_exactly_the_items_written_for_it_with_their_values()
    {
        var items = Enumerable.Range(0, 5)
            .Select(i => new StageItem($"clip {i}", [$"media/it's \"{i}\".mp4"], [$"artifacts/{i}.json"]) { Values = new Dictionary<string, string> { ["url"] = $"https://example.org/{i}?a=1&b=2" } })
            .ToList();
        var folder = new ShardFolder(_temp.PathOf("batch"));

        Assert.Equal(3, folder.Write(items, itemsPerTask: 2));

        var second = await folder.ReadItemsAsync(1, Ct);
        Assert.Equal(["clip 2", "clip 3"], second.Select(i => i.Key));
        Assert.Equal(items[3].Inputs, second[1].Inputs);
        Assert.Equal(items[3].Outputs, second[1].Outputs);
        Assert.Equal(items[3].Values, second[1].Values);
        Assert.Equal(["clip 4"], (await folder.ReadItemsAsync(2, Ct)).Select(i => i.Key));
    }

    [Fact]
    public async Task A_line_that_is_not_an_item_is_refused_naming_the_file_and_line()
    {
        var folder = new ShardFolder(_temp.PathOf("batch"));
        folder.Write([new StageItem("a", [], ["out/a.txt"])], itemsPerTask: 1);
        await File.AppendAllTextAsync(folder.ItemsPath(0), "{\"key\":\"b\"}\n", Ct);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => folder.ReadItemsAsync(0, Ct));
        Assert.Contains($"{folder.ItemsPath(0)}, line 2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shard_runs_its_items_file_without_listing_the_stage_or_reading_the_lock_and_folds_into_the_local_result()
    {
        var root = _temp.PathOf("cluster");
        SyntheticStages.WriteInputs(root, 5);
        var workspace = new Workspace(root);
        var stages = new SyntheticStages(workspace);
        var folder = new ShardFolder(_temp.PathOf("batch"));
        ShardedStageRun run;
        using (var login = Pipeline.Open(workspace))
        {
            run = await login.StartShardedAsync(stages.Transform, Ct);
            Assert.Equal(2, folder.Write(run.ToDo, itemsPerTask: 3));
        }

        // What the task must not need: the stage's listing, and the lock file (garbage here).
        await File.WriteAllTextAsync(workspace.LockFilePath, "{ not json", Ct);
        var unlistable = new ItemStage("Transform", 1)
        {
            Parameters = stages.Transform.Parameters,
            Items = _ => throw new InvalidOperationException("a shard must not list the stage"),
            Run = stages.Transform.Run,
        };
        for (var task = 0; task < 2; task++)
        {
            using var journal = new ShardJournal(folder.JournalPath(task));
            using var shard = Pipeline.OpenForShard(workspace);
            var report = await shard.RunShardAsync(unlistable, await folder.ReadItemsAsync(task, Ct), journal, Ct);
            Assert.Equal(task == 0 ? 3 : 2, report.Ran);
        }

        File.Delete(workspace.LockFilePath);
        using (var login = Pipeline.Open(workspace))
        {
            run = await login.StartShardedAsync(stages.Transform, Ct);
            Assert.Equal(5, run.Fold(new ShardJournalReader(folder.JournalPath(0))) + run.Fold(new ShardJournalReader(folder.JournalPath(1))));
            await login.FinishShardedAsync(run, Ct);
        }

        var local = _temp.PathOf("local");
        SyntheticStages.WriteInputs(local, 5);
        using (var pipeline = Pipeline.Open(new Workspace(local)))
        {
            await pipeline.RunAsync(new SyntheticStages(new Workspace(local)).Transform, Ct);
        }

        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(local, "sonique.lock"), Ct), await File.ReadAllBytesAsync(workspace.LockFilePath, Ct));
    }

    public void Dispose() => _temp.Dispose();
}
