using System.Diagnostics;

namespace Sonique.Benchmarks;

internal static class Timing
{
    public static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }

    /// <summary>For throughput: the fastest run is the one least disturbed by the rest of the machine.</summary>
    public static TimeSpan BestOf(int runs, Action action) =>
        Enumerable.Range(0, runs).Select(_ => Time(action)).Min();

    /// <summary>For whole-program runs: the median ignores one slow start as well as one lucky one.</summary>
    public static TimeSpan MedianOf(int runs, Action action) =>
        Median(Enumerable.Range(0, runs).Select(_ => Time(action)));

    public static T Median<T>(IEnumerable<T> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
