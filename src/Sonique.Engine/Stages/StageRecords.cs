using Sonique.Engine.Hashing;

namespace Sonique.Engine;

/// <summary>
/// Where a stage's results live in the lock file. A per-item stage keeps one record per item, each journaled the
/// moment it finishes, in a manifest the lock file names, with its header (version, parameters) when the stage ends. A unit stage keeps its one
/// item's record as the stage's own fingerprint, inputs and outputs: the lock file's format, unchanged.
/// </summary>
internal abstract class StageRecords(StagePlan plan)
{
    protected StagePlan Plan { get; } = plan;

    public static StageRecords For(StagePlan plan, LockFile lockFile) =>
        plan.IsUnit ? new UnitRecord(plan, lockFile) : new ItemRecords(plan, lockFile);

    /// <summary>A shard's records: none read (the run that holds the lock judged its items stale and handed them over),
    /// each finished one kept in the shard's own journal.</summary>
    public static StageRecords ForShard(StagePlan plan, ShardJournal journal) => new ShardRecords(plan, journal);

    /// <summary>The stage's record: the version and parameters its results were last made with.</summary>
    public abstract StageRecord? Stage { get; }

    public abstract bool NeverRun { get; }

    /// <summary>What the item's last run recorded, or null when it has none.</summary>
    public abstract ItemRecord? Recorded(StageItem item);

    /// <summary>Whether the item's record says it succeeded with <paramref name="fingerprint"/> and wrote exactly its
    /// declared outputs, each still as recorded by <paramref name="outputIntact"/>: a fresh item, told without
    /// decoding its record. False also when that cannot be told so (<see cref="Recorded"/> then decides).</summary>
    public abstract bool Succeeded(StageItem item, ContentHash fingerprint, Func<string, ContentHash, bool> outputIntact);

    /// <summary>Records a finished item durably (a unit stage's item only succeeds: its failure fails the stage).</summary>
    public abstract void Keep(StageItem item, ItemRecord record);

    /// <summary>Ends the stage's run: the stage's record now describes exactly the items listed.</summary>
    public abstract void Close();

    protected StageRecord Header() => new()
    {
        Version = Plan.Stage.Version,
        Parameters = new SortedDictionary<string, string>(Plan.Stage.Parameters.ToDictionary(), StringComparer.Ordinal),
    };

    private sealed class ItemRecords(StagePlan plan, LockFile lockFile) : StageRecords(plan)
    {
        public override StageRecord? Stage => lockFile.Stage(Plan.Name);

        public override bool NeverRun => !lockFile.HasItemRecords(Plan.Name);

        public override ItemRecord? Recorded(StageItem item) => lockFile.Item(Plan.Name, item.Key);

        public override bool Succeeded(StageItem item, ContentHash fingerprint, Func<string, ContentHash, bool> outputIntact) =>
            lockFile.ItemSucceeded(Plan.Name, item.Key, fingerprint, item.Outputs, outputIntact);

        public override void Keep(StageItem item, ItemRecord record) => lockFile.CommitItem(Plan.Name, item.Key, record);

        public override void Close() =>
            lockFile.CommitStage(Plan.Name, Header(), Plan.Items.Select(i => i.Key).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>A shard of a per-item stage run elsewhere: the run holding the lock commits its items and ends the stage.
    /// Every item is stale to it ("never run"): a restore from the run cache still applies, by fingerprint.</summary>
    private sealed class ShardRecords(StagePlan plan, ShardJournal journal) : StageRecords(plan)
    {
        public override StageRecord? Stage => null;

        public override bool NeverRun => true;

        public override ItemRecord? Recorded(StageItem item) => null;

        public override bool Succeeded(StageItem item, ContentHash fingerprint, Func<string, ContentHash, bool> outputIntact) => false;

        public override void Keep(StageItem item, ItemRecord record) => journal.Append(Plan.Name, item.Key, record);

        public override void Close()
        {
        }
    }

    private sealed class UnitRecord(StagePlan plan, LockFile lockFile) : StageRecords(plan)
    {
        public override StageRecord? Stage => lockFile.Stage(Plan.Name);

        public override bool NeverRun => Stage?.Fingerprint is null;

        /// <summary>Null, as never run, when its inputs were in a manifest the store lacks: it is then restored or run.</summary>
        public override ItemRecord? Recorded(StageItem item) =>
            Stage is { Fingerprint: { } fingerprint } stage && lockFile.UnitInputs(Plan.Name) is { } inputs
                ? new ItemRecord
                {
                    Fingerprint = fingerprint,
                    Inputs = inputs,
                    Outputs = stage.Outputs ?? new SortedDictionary<string, string>(StringComparer.Ordinal),
                }
                : null;

        /// <summary>The recorded paths are distinct, so each naming a declared output, as many as declared, is the same set.</summary>
        public override bool Succeeded(StageItem item, ContentHash fingerprint, Func<string, ContentHash, bool> outputIntact) =>
            Stage is { Fingerprint: { } recorded, Outputs: { } outputs }
            && recorded == fingerprint.ToString()
            && outputs.Count == item.Outputs.Count
            && lockFile.HasUnitInputs(Plan.Name)
            && outputs.All(o => item.Outputs.Contains(o.Key) && ContentHash.TryParse(o.Value, out var hash) && hash.ToString() == o.Value && outputIntact(o.Key, hash));

        public override void Keep(StageItem item, ItemRecord record)
        {
            var stage = Header();
            stage.Fingerprint = record.Fingerprint;
            stage.Inputs = record.Inputs;
            stage.Outputs = record.Outputs;
            lockFile.CommitStage(Plan.Name, stage);
        }

        /// <summary>Nothing to do: the one item's record is the stage's, written when it finished.</summary>
        public override void Close()
        {
        }
    }
}
