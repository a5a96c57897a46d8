namespace Sonique.Engine;

/// <summary>
/// What a stage is to the engine: a name, an implementation version (bump it when the code's output
/// changes), and the parameters it reads. Both kinds of stage fingerprint these with their inputs.
/// </summary>
public abstract class StageDefinition
{
    protected StageDefinition(string name, int version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Version = version;
    }

    public string Name { get; }

    public int Version { get; }

    /// <summary>Configuration values the stage's result depends on, in their canonical text form.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}

/// <summary>A stage that runs once over all its inputs (a join, a training run, a report). The engine runs it as a
/// stage of one item, the stage itself, whose failure fails the stage.</summary>
public sealed class UnitStage(string name, int version) : StageDefinition(name, version)
{
    /// <summary>Workspace-relative files, folders (ending in '/') or globs ('*', '**').</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Workspace-relative files, or folders ending in '/'.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }

    public required Func<UnitRun, CancellationToken, Task> Run { get; init; }
}

/// <summary>A stage that runs once per item, each item cached and resumed on its own (one per clip).</summary>
public sealed class ItemStage(string name, int version) : StageDefinition(name, version)
{
    /// <summary>Lists the items; called when the stage runs, after the stages it reads from.</summary>
    public required Func<CancellationToken, ValueTask<IReadOnlyList<StageItem>>> Items { get; init; }

    public required Func<ItemRun, CancellationToken, Task> Run { get; init; }
}

/// <summary>One unit of a per-item stage: its files in and out, and values (a URL, a title) that are
/// part of its identity without being files.</summary>
public sealed record StageItem(string Key, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();
}

/// <summary>What an item's code sees: where its inputs are and where to write its outputs. Outputs
/// are written to a staging place and moved into the workspace only when the item succeeds.</summary>
public sealed class ItemRun
{
    internal ItemRun(StageItem item, IReadOnlyList<string> inputPaths, IReadOnlyList<string> outputPaths)
    {
        Item = item;
        InputPaths = inputPaths;
        OutputPaths = outputPaths;
    }

    public StageItem Item { get; }

    public string Key => Item.Key;

    public IReadOnlyList<string> InputPaths { get; }

    public IReadOnlyList<string> OutputPaths { get; }

    public string Input(int index) => InputPaths[index];

    public string Output(int index) => OutputPaths[index];
}

/// <summary>What a unit stage's code sees: its inputs expanded to files, and staging paths for its outputs
/// (a staging folder, already created, for a folder output).</summary>
public sealed class UnitRun
{
    internal UnitRun(IReadOnlyList<string> inputFiles, IReadOnlyList<string> outputPaths)
    {
        InputFiles = inputFiles;
        OutputPaths = outputPaths;
    }

    public IReadOnlyList<string> InputFiles { get; }

    public IReadOnlyList<string> OutputPaths { get; }

    public string Output(int index) => OutputPaths[index];
}

/// <summary>Thrown by an item's code when the item cannot be done; the run goes on with the others. A library that
/// knows nothing of the engine reports in its own terms, which <see cref="PipelineOptions.ItemFailureOf"/> reads as this.</summary>
public sealed class ItemFailedException(string reason, bool permanent = true, Exception? inner = null)
    : Exception(reason, inner)
{
    /// <summary>Whether retrying with the same inputs is pointless (corrupt file) or may succeed (network).</summary>
    public bool Permanent { get; } = permanent;
}

/// <summary>A stage cannot run: an input is missing, an output was not written. Thrown by an item's code, it stops
/// the whole stage (something every item needs, such as a model, cannot load) instead of failing that item.</summary>
public sealed class StageFailedException(string stage, string problem, Exception? inner = null)
    : Exception($"Stage {stage}: {problem}", inner)
{
    public string Stage { get; } = stage;
}
