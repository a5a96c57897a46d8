using System.Globalization;
using System.Text.RegularExpressions;

namespace Sonique.Benchmarks;

/// <summary>One run of the synthetic pipeline as a child process: how long it took, and what it says it did.</summary>
internal sealed partial record ChildRun(TimeSpan Elapsed, string Output)
{
    /// <summary>The time the child measured itself, from the start of its Main; null for <c>--start-only</c>.</summary>
    public double? EngineMs => Field("engine-ms") is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>The child's peak working set (VmHWM on Linux), in MB.</summary>
    public double PeakMegabytes => double.Parse(Field("peak-mb") ?? throw Unexpected("no 'peak-mb=' line"), CultureInfo.InvariantCulture);

    /// <summary>Files the engine read to hash them (not answered from its hash cache).</summary>
    public long Hashed => long.Parse(Field("hashed") ?? throw Unexpected("no 'hashed=' line"), CultureInfo.InvariantCulture);

    /// <summary>Fails loudly unless the stage's report line is exactly this: a benchmark of a run that did
    /// the wrong work measures nothing.</summary>
    public ChildRun ExpectStage(string stage, int items, int fresh, int ran, int restored = 0)
    {
        var expected = string.Create(CultureInfo.InvariantCulture, $"{stage} items={items} fresh={fresh} ran={ran} restored={restored} failed=0");
        if (!Lines.Contains(expected, StringComparer.Ordinal))
        {
            throw Unexpected($"expected the line '{expected}'");
        }

        return this;
    }

    public ChildRun ExpectHashed(Func<long, bool> isExpected, string expected)
    {
        if (!isExpected(Hashed))
        {
            throw Unexpected($"expected hashed={expected}");
        }

        return this;
    }

    private IEnumerable<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string? Field(string name) =>
        Lines.Select(l => FieldLine().Match(l)).FirstOrDefault(m => m.Success && m.Groups[1].Value == name)?.Groups[2].Value;

    private InvalidOperationException Unexpected(string problem) =>
        new($"The synthetic pipeline did not do what the benchmark expects: {problem}. It printed:\n{Output}");

    [GeneratedRegex(@"^([a-z-]+)=(\S+)$")]
    private static partial Regex FieldLine();
}

internal static class SyntheticChild
{
    private const string Dll = "Sonique.Engine.SyntheticPipeline.dll";

    public static ChildRun Run(string workspace, params string[] extra)
    {
        var output = "";
        var elapsed = Timing.Time(() => output = Tool.RunDotnet(Dll, ["--workspace", workspace, .. extra]));
        return new ChildRun(elapsed, output);
    }

    /// <summary>The host's own start: the same program and runtime, exiting before it touches the engine.</summary>
    public static ChildRun StartOnly(string workspace) => Run(workspace, "--start-only");
}
