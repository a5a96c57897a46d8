namespace Sonique.Engine;

/// <summary>
/// A stage as the engine runs it: its items and how one runs. Both kinds of stage become this one shape, so
/// deciding, restoring, running, recording and reporting have one code path. A unit stage is a stage of one
/// item, the stage itself: its inputs are its input specs expanded to files, and it is
/// <see cref="IsUnit">recorded and failed as a whole</see>.
/// </summary>
internal sealed class StagePlan
{
    private readonly Func<StageItem, IReadOnlyList<string>, IReadOnlyList<string>, CancellationToken, Task> _run;

    private StagePlan(
        StageDefinition stage,
        IReadOnlyList<StageItem> items,
        bool isUnit,
        Func<StageItem, IReadOnlyList<string>, IReadOnlyList<string>, CancellationToken, Task> run)
    {
        Stage = stage;
        Items = items;
        IsUnit = isUnit;
        _run = run;
    }

    public StageDefinition Stage { get; }

    public string Name => Stage.Name;

    public IReadOnlyList<StageItem> Items { get; }

    /// <summary>
    /// A unit stage: its one item is the stage. It keeps the lock file's stage-level record, its fingerprint has
    /// no item key (so what was recorded before the two kinds were one stays fresh), and its item's failure fails
    /// the stage, since there is nothing else to go on with.
    /// </summary>
    public bool IsUnit { get; }

    /// <summary>Lists the items now; a stage that cannot (what it reads is not made yet) throws <see cref="StageFailedException"/>.</summary>
    public static async Task<StagePlan> ListAsync(StageDefinition stage, Workspace workspace, CancellationToken cancellationToken) => stage switch
    {
        UnitStage unit => OfUnit(unit, new StageItem(unit.Name, ExpandInputs(unit, workspace), unit.Outputs)),
        ItemStage items => OfItems(items, await ListItemsAsync(items, cancellationToken)),
        _ => throw new ArgumentException($"Unknown kind of stage: {stage.GetType().Name}", nameof(stage)),
    };

    /// <summary>A shard of a stage, run elsewhere than where it was listed: the items the run that listed it handed over
    /// (a unit stage's one item: the stage, its inputs as they were expanded then).</summary>
    public static StagePlan ForShard(StageDefinition stage, IReadOnlyList<StageItem> items) => stage switch
    {
        UnitStage unit => items is [{ } item] && item.Key == unit.Name
            ? OfUnit(unit, item)
            : throw new StageFailedException(unit.Name, "a shard of a unit stage is its one item, the stage itself"),
        ItemStage perItem => OfItems(perItem, items),
        _ => throw new ArgumentException($"Unknown kind of stage: {stage.GetType().Name}", nameof(stage)),
    };

    private static StagePlan OfUnit(UnitStage unit, StageItem item) =>
        new(unit, [item], isUnit: true, (_, inputs, staged, ct) => unit.Run(new UnitRun(inputs, staged), ct));

    /// <summary>A per-item stage over these items: listed now, or handed to a shard by the run that listed them (so a
    /// shard does not list the whole stage again to find its own).</summary>
    private static StagePlan OfItems(ItemStage stage, IReadOnlyList<StageItem> items)
    {
        CheckKeys(stage, items);
        return new StagePlan(stage, items, isUnit: false, (item, inputs, staged, ct) => stage.Run(new ItemRun(item, inputs, staged), ct));
    }

    /// <summary>The item key that enters a fingerprint (none for a unit stage's one item).</summary>
    public string? FingerprintKey(StageItem item) => IsUnit ? null : item.Key;

    /// <summary>Runs one item's code on its resolved inputs, writing into the staged output paths.</summary>
    public Task RunAsync(StageItem item, IReadOnlyList<string> inputPaths, IReadOnlyList<string> stagedOutputs, CancellationToken cancellationToken) =>
        _run(item, inputPaths, stagedOutputs, cancellationToken);

    /// <summary>A unit stage's input files, sorted, as its code has always seen them.</summary>
    private static List<string> ExpandInputs(UnitStage stage, Workspace workspace)
    {
        try
        {
            var files = stage.Inputs.SelectMany(spec => PathSpec.Expand(workspace, spec)).Distinct(StringComparer.Ordinal).ToList();
            // Sorted in place: LINQ's ordering sorts positions through a comparison of keys, twice as slow on 300,000 paths.
            files.Sort(StringComparer.Ordinal);
            return files;
        }
        catch (FileNotFoundException e)
        {
            throw new StageFailedException(stage.Name, e.Message);
        }
    }

    private static async Task<IReadOnlyList<StageItem>> ListItemsAsync(ItemStage stage, CancellationToken cancellationToken)
    {
        IReadOnlyList<StageItem> items;
        try
        {
            items = await stage.Items(cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new StageFailedException(stage.Name, $"cannot list its items: {e.Message}");
        }

        return items;
    }

    private static void CheckKeys(ItemStage stage, IReadOnlyList<StageItem> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (string.IsNullOrWhiteSpace(item.Key) || !seen.Add(item.Key))
            {
                throw new StageFailedException(stage.Name, $"item key '{item.Key}' is empty or not unique");
            }
        }
    }
}
