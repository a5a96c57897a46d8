using System.Diagnostics;
using System.Globalization;
using Sonique.Cluster;
using Sonique.Engine;
using Sonique.Engine.SyntheticPipeline;
using Sonique.Remote;

// Usage: Sonique.Engine.SyntheticPipeline --workspace DIR [--jobs N] [--salt S] [--delay-ms N] [--remote ADDRESS] [--start-only] [--status]
//        [--shard-of FOLDER [--stage Transform|Summarize] [--exit-after N] [--environment-to FILE]]
// Prints one line per stage ("Transform items=.. fresh=.. ran=.. restored=.. failed=..") and the engine's own time;
// with --status, one line per stage ("Transform Fresh") after the running run, if any, without taking the run lock.
var clock = Stopwatch.StartNew();
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length && !args[p.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[p.i + 1] : "true");
if (options.ContainsKey("start-only"))
{
    return 0;
}

var workspace = new Workspace(options["workspace"]);
var stages = new SyntheticStages(
    workspace,
    options.GetValueOrDefault("salt", ""),
    int.Parse(options.GetValueOrDefault("delay-ms", "0"), CultureInfo.InvariantCulture));
if (options.ContainsKey("status"))
{
    using var reader = Pipeline.OpenForReading(workspace);
    if (reader.RunningRun is { } running)
    {
        Console.WriteLine($"running: {running}; done: {string.Join(", ", reader.RunningProgress.Select(p => $"{p.Stage} {p.Done}"))}");
    }

    foreach (var stage in stages.All)
    {
        Console.WriteLine($"{stage.Name} {(await reader.GetStatusAsync(stage, CancellationToken.None)).State}");
    }

    return 0;
}

if (options.TryGetValue("shard-of", out var shardFolder))
{
    var stage = stages.All.Single(s => s.Name == options.GetValueOrDefault("stage", "Transform"));
    return await ShardTask.RunAsync(workspace, stage, new ShardFolder(shardFolder), options);
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    using var pipeline = Pipeline.Open(workspace, new PipelineOptions
    {
        Jobs = int.Parse(options.GetValueOrDefault("jobs", "2"), CultureInfo.InvariantCulture),
        Remote = options.TryGetValue("remote", out var remote) ? RemoteCacheAddress.Open(remote) : null,
    });
    foreach (var stage in stages.All)
    {
        var report = await pipeline.RunAsync(stage, cancel.Token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Stage} items={report.Items} fresh={report.Fresh} ran={report.Ran} restored={report.Restored} failed={report.Failed}"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hashed={pipeline.FilesHashed}"));
}
catch (WorkspaceBusyException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}
catch (WorkspaceReadOnlyException e)
{
    Console.Error.WriteLine(e.Message);
    return 4;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"engine-ms={clock.Elapsed.TotalMilliseconds:F1}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak-mb={Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0}"));
return 0;
