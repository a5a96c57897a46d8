using System.Globalization;
using System.IO.Enumeration;
using System.Text;

namespace Sonique.Engine.SyntheticPipeline;

/// <summary>
/// Two stages over a folder of inputs: <c>Transform</c> turns each pair <c>inputs/K.a</c> + <c>inputs/K.b</c>
/// into <c>out/K.txt</c>; <c>Summarize</c> joins every <c>out/*.txt</c> into <c>summary.txt</c>.
/// </summary>
public sealed class SyntheticStages(Workspace workspace, string salt = "", int delayMs = 0)
{
    private int _transformRuns;
    private int _summarizeRuns;

    public int TransformRuns => _transformRuns;

    public int SummarizeRuns => _summarizeRuns;

    public ItemStage Transform => new("Transform", 1)
    {
        Parameters = new Dictionary<string, string> { ["salt"] = salt },
        Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>(ListItems()),
        Run = async (run, ct) =>
        {
            Interlocked.Increment(ref _transformRuns);
            var a = await File.ReadAllTextAsync(run.Input(0), ct);
            var b = await File.ReadAllTextAsync(run.Input(1), ct);
            if (a.StartsWith("FAIL", StringComparison.Ordinal))
            {
                throw new ItemFailedException($"'{run.Key}.a' asks to fail", permanent: a.StartsWith("FAIL-PERMANENT", StringComparison.Ordinal));
            }

            var text = Encoding.UTF8.GetBytes($"{run.Key}|{salt}|{new string(a.Reverse().ToArray())}|{b.ToUpperInvariant()}\n");
            // Written in two halves with a pause between, so a kill can land mid-write.
            await using var output = File.Create(run.Output(0));
            await output.WriteAsync(text.AsMemory(0, text.Length / 2), ct);
            await output.FlushAsync(ct);
            if (delayMs > 0)
            {
                await Task.Delay(delayMs, ct);
            }

            await output.WriteAsync(text.AsMemory(text.Length / 2), ct);
        },
    };

    public UnitStage Summarize => new("Summarize", 1)
    {
        Inputs = ["out/"],
        Outputs = ["summary.txt"],
        Run = async (run, ct) =>
        {
            Interlocked.Increment(ref _summarizeRuns);
            var lines = new List<string>();
            foreach (var file in run.InputFiles)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)} {new FileInfo(file).Length}"));
            }

            await File.WriteAllLinesAsync(run.Output(0), lines, ct);
        },
    };

    public IReadOnlyList<StageDefinition> All => [Transform, Summarize];

    private List<StageItem> ListItems()
    {
        var inputs = workspace.Resolve("inputs");
        if (!Directory.Exists(inputs))
        {
            throw new DirectoryNotFoundException($"no inputs folder at '{inputs}'");
        }

        // The keys straight from the directory entries, without a full path made per file: the benchmark lists 600,000.
        var keys = new FileSystemEnumerable<string>(inputs, (ref entry) => entry.FileName[..^2].ToString(), new EnumerationOptions { AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref entry) => !entry.IsDirectory && entry.FileName.EndsWith(".a", StringComparison.Ordinal),
        }.ToList();
        keys.Sort(StringComparer.Ordinal);
        return keys.ConvertAll(key => new StageItem(key, [$"inputs/{key}.a", $"inputs/{key}.b"], [$"out/{key}.txt"]));
    }

    /// <summary>Writes a workspace of <paramref name="count"/> items, two small input files each.</summary>
    public static void WriteInputs(string root, int count, int firstIndex = 0)
    {
        var inputs = Path.Combine(root, "inputs");
        Directory.CreateDirectory(inputs);
        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"item{i:D5}");
            File.WriteAllText(Path.Combine(inputs, key + ".a"), string.Create(CultureInfo.InvariantCulture, $"alpha {i} {new string('a', i % 97)}"));
            File.WriteAllText(Path.Combine(inputs, key + ".b"), string.Create(CultureInfo.InvariantCulture, $"beta {i * 7} {new string('b', i % 89)}"));
        }
    }
}
