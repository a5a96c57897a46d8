using Sonique.Engine.Hashing;
using Sonique.Engine.SyntheticPipeline;

namespace Sonique.Benchmarks;

/// <summary>Median wall time of some child runs, and the median of the time each child reported for itself.</summary>
internal sealed record RunTimes(TimeSpan Wall, double EngineMs)
{
    public static RunTimes Of(IReadOnlyList<ChildRun> runs) =>
        new(
            Timing.Median(runs.Select(r => r.Elapsed)),
            Timing.Median(runs.Select(r => r.EngineMs ?? throw new InvalidOperationException($"No engine-ms line in:\n{r.Output}"))));
}

internal sealed record RerunResult(
    int Items,
    int InputFiles,
    TimeSpan Start,
    RunTimes NoOp,
    RunTimes Cold,
    long ColdHashed,
    RunTimes Added,
    TimeSpan HashInputsOneThread,
    TimeSpan HashInputsParallel,
    IReadOnlyList<Phase> Phases)
{
    public TimeSpan BeyondStart(RunTimes run) => run.Wall - Start;
}

/// <summary>
/// The synthetic pipeline over a workspace of many small items, run as a child process the way a user
/// runs it: after a full build, a no-op rerun, a rerun that must re-hash every file, and one added item.
/// </summary>
internal static class RerunBenchmark
{
    private const int Runs = 5;
    private const int ColdRuns = 3;

    public static RerunResult Run(string root, int items)
    {
        Progress.Say($"writing {items} items and building them once (the first run writes every output durably, so it is slow)");
        SyntheticStages.WriteInputs(root, items);
        SyntheticChild.Run(root)
            .ExpectStage("Transform", items, fresh: 0, ran: items)
            .ExpectStage("Summarize", 1, fresh: 0, ran: 1);

        var (start, noOps) = MeasureStartAndNoOp(root, items);
        var noOp = RunTimes.Of(noOps);
        var inputs = Directory.GetFiles(Path.Combine(root, "inputs"));
        Progress.Say($"hashing the {inputs.Length} input files in-process, no cache (median of {Runs})");
        var oneThread = Timing.MedianOf(Runs, () => Array.ForEach(inputs, p => FileHasher.Hash(p)));
        var parallel = Timing.MedianOf(Runs, () => Parallel.ForEach(inputs, p => FileHasher.Hash(p)));
        var phases = NoOpPhases.Measure(root);
        var (cold, coldHashed) = MeasureColdRerun(root, items, inputs.Length);
        var added = MeasureAddedItem(root, items);
        return new RerunResult(items, inputs.Length, start, noOp, cold, coldHashed, added, oneThread, parallel, phases);
    }

    /// <summary>Start-only and no-op runs alternate, so that a slow spell of the machine hits both alike
    /// rather than skewing their difference.</summary>
    public static (TimeSpan Start, IReadOnlyList<ChildRun> NoOps) MeasureStartAndNoOp(string root, int items)
    {
        Progress.Say($"timing --start-only and no-op reruns, alternately (median of {Runs})");
        SyntheticChild.StartOnly(root); // untimed: the very first start also pays for reading the runtime from disk
        var starts = new List<TimeSpan>();
        var noOps = new List<ChildRun>();
        for (var i = 0; i < Runs; i++)
        {
            starts.Add(SyntheticChild.StartOnly(root).Elapsed);
            noOps.Add(SyntheticChild.Run(root)
                .ExpectStage("Transform", items, fresh: items, ran: 0)
                .ExpectStage("Summarize", 1, fresh: 1, ran: 0)
                .ExpectHashed(h => h == 0, "0"));
        }

        return (Timing.Median(starts), noOps);
    }

    /// <summary>Deleting the hash cache makes the engine read every input and output again, with everything
    /// else (lock file, store, outputs) as in a no-op: the difference is what the hash cache saves.</summary>
    private static (RunTimes Times, long Hashed) MeasureColdRerun(string root, int items, int inputFiles)
    {
        Progress.Say($"timing reruns with cache/hashes.bin deleted (median of {ColdRuns})");
        var runs = new List<ChildRun>();
        for (var i = 0; i < ColdRuns; i++)
        {
            File.Delete(Path.Combine(root, "cache", "hashes.bin"));
            runs.Add(SyntheticChild.Run(root)
                .ExpectStage("Transform", items, fresh: items, ran: 0)
                .ExpectStage("Summarize", 1, fresh: 1, ran: 0)
                .ExpectHashed(h => h >= inputFiles, $"{inputFiles} or more"));
        }

        return (RunTimes.Of(runs), runs[0].Hashed);
    }

    /// <summary>One run only: a second run would find the item already made.</summary>
    private static RunTimes MeasureAddedItem(string root, int items)
    {
        Progress.Say("timing a rerun after adding one item");
        SyntheticStages.WriteInputs(root, 1, firstIndex: items);
        var run = SyntheticChild.Run(root)
            .ExpectStage("Transform", items + 1, fresh: items, ran: 1)
            .ExpectStage("Summarize", 1, fresh: 0, ran: 1);
        return RunTimes.Of([run]);
    }
}
