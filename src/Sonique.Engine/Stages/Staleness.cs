using Sonique.Engine.Hashing;

namespace Sonique.Engine;

internal enum VerdictKind
{
    Fresh,
    Stale,

    /// <summary>Failed permanently with these very inputs: not retried until they change.</summary>
    KnownFailure,
}

/// <summary>What an item is now, against what was recorded: its fingerprint, input hashes (in the order of its inputs,
/// null for a missing one), and why it is not fresh.</summary>
internal sealed record ItemVerdict(
    StageItem Item,
    ContentHash Fingerprint,
    IReadOnlyList<ContentHash?> InputHashes,
    string? MissingInput,
    VerdictKind Kind,
    IReadOnlyList<string> Reasons)
{
    private SortedDictionary<string, string>? _inputs;
    private SortedDictionary<string, string>? _values;

    /// <summary>The input hashes by path, as a record keeps them; made when asked for (a record written, a change
    /// described), not for each fresh item of a no-op run.</summary>
    public SortedDictionary<string, string> Inputs => _inputs ??= InputMap();

    public SortedDictionary<string, string> Values => _values ??= new(Item.Values.ToDictionary(), StringComparer.Ordinal);

    private SortedDictionary<string, string> InputMap()
    {
        var inputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var j = 0; j < Item.Inputs.Count; j++)
        {
            if (InputHashes[j] is { } hash)
            {
                inputs[Item.Inputs[j]] = hash.ToString();
            }
        }

        return inputs;
    }
}

/// <summary>
/// Decides what is stale and why: hashes every item's inputs (in parallel, across items and within one), computes
/// its fingerprint, and compares that, and the outputs on disk, with what the lock file recorded.
/// </summary>
internal sealed class Staleness(Workspace workspace, FileHashCache hashes, int jobs)
{
    private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>();

    public async Task<IReadOnlyList<ItemVerdict>> JudgeAsync(StagePlan plan, StageRecords records, CancellationToken cancellationToken)
    {
        var items = plan.Items;
        var inputHashes = await HashInputsAsync(items, cancellationToken);
        var digest = Fingerprint.ParametersDigest(plan.Stage.Parameters);
        Func<string, ContentHash, bool> outputIntact = (path, hash) => hashes.TryHash(workspace.Resolve(path), cancellationToken) == hash;
        var verdicts = new ItemVerdict[items.Count];
        await Task.Run(
            () => Parallel.For(
                0,
                items.Count,
                Parallelism(cancellationToken),
                i => verdicts[i] = Judge(plan, digest, records, items[i], inputHashes[i], outputIntact, cancellationToken)),
            cancellationToken);
        return verdicts;
    }

    /// <summary>Every input of every item, hashed in parallel: across items, or across the inputs of a stage's one item
    /// (a unit stage that reads a whole folder), so both are hashed as fast.</summary>
    private async Task<ContentHash?[][]> HashInputsAsync(IReadOnlyList<StageItem> items, CancellationToken cancellationToken)
    {
        var hashed = new ContentHash?[items.Count][];
        for (var i = 0; i < items.Count; i++)
        {
            hashed[i] = new ContentHash?[items[i].Inputs.Count];
        }

        void Hash(int i, int j) => hashed[i][j] = hashes.TryHash(workspace.Resolve(items[i].Inputs[j]), cancellationToken);
        await Task.Run(
            () =>
            {
                if (items.Count == 1)
                {
                    Parallel.For(0, hashed[0].Length, Parallelism(cancellationToken), j => Hash(0, j));
                    return;
                }

                Parallel.For(0, items.Count, Parallelism(cancellationToken), i =>
                {
                    for (var j = 0; j < hashed[i].Length; j++)
                    {
                        Hash(i, j);
                    }
                });
            },
            cancellationToken);
        return hashed;
    }

    private ItemVerdict Judge(
        StagePlan plan,
        string parametersDigest,
        StageRecords records,
        StageItem item,
        ContentHash?[] inputHashes,
        Func<string, ContentHash, bool> outputIntact,
        CancellationToken cancellationToken)
    {
        var missingAt = Array.IndexOf(inputHashes, null);
        var missing = missingAt < 0 ? null : item.Inputs[missingAt];
        var fingerprint = Fingerprint.Of(plan.Stage, parametersDigest, plan.FingerprintKey(item), item.Values, item.Outputs, item.Inputs, inputHashes);
        var verdict = new ItemVerdict(item, fingerprint, inputHashes, missing, VerdictKind.Fresh, []);
        // Most items of a rerun are fresh, and saying so needs no record decoded: only the reasons of one that is not do.
        if (missing is null && records.Succeeded(item, fingerprint, outputIntact))
        {
            return verdict;
        }

        var record = records.Recorded(item);
        var reasons = new List<string>();
        var kind = VerdictKind.Stale;
        if (missing is not null)
        {
            reasons.Add($"input '{missing}' is missing");
        }
        else if (record is null)
        {
            reasons.Add("never run");
        }
        else if (record.Fingerprint != fingerprint.ToString())
        {
            reasons.AddRange(DescribeChange(plan.Stage, records.Stage!, record.Values, verdict.Values, record.Inputs, verdict.Inputs));
        }
        else if (record.Failure is not null)
        {
            if (record.Permanent)
            {
                kind = VerdictKind.KnownFailure;
                reasons.Add(record.Failure);
            }
            else
            {
                reasons.Add($"failed last time, will retry: {record.Failure}");
            }
        }
        else
        {
            reasons.AddRange(DescribeOutputs(record.Outputs, item.Outputs, cancellationToken));
        }

        return verdict with { Kind = reasons.Count == 0 ? VerdictKind.Fresh : kind, Reasons = reasons };
    }

    private static List<string> DescribeChange(
        StageDefinition stage,
        StageRecord stageRecord,
        IReadOnlyDictionary<string, string>? oldValues,
        IReadOnlyDictionary<string, string> newValues,
        IReadOnlyDictionary<string, string>? oldInputs,
        IReadOnlyDictionary<string, string> newInputs)
    {
        var reasons = new List<string>();
        if (stageRecord.Version != stage.Version)
        {
            reasons.Add($"implementation version {stageRecord.Version} -> {stage.Version}");
        }

        reasons.AddRange(Compare(stageRecord.Parameters, stage.Parameters, (k, o, n) => $"parameter {k}: {o ?? "(unset)"} -> {n ?? "(unset)"}"));
        reasons.AddRange(Compare(oldValues ?? NoValues, newValues, (k, _, _) => $"value {k} changed"));
        reasons.AddRange(Compare(oldInputs ?? NoValues, newInputs, (k, o, n) =>
            o is null ? $"input '{k}' added" : n is null ? $"input '{k}' removed" : $"input '{k}' changed"));
        if (reasons.Count == 0)
        {
            reasons.Add("declared outputs changed");
        }

        return reasons;
    }

    private static IEnumerable<string> Compare(
        IReadOnlyDictionary<string, string> before,
        IReadOnlyDictionary<string, string> after,
        Func<string, string?, string?, string> describe)
    {
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var old = before.GetValueOrDefault(key);
            var now = after.GetValueOrDefault(key);
            if (old != now)
            {
                yield return describe(key, old, now);
            }
        }
    }

    /// <summary>Whether the outputs on disk are the ones recorded: missing, modified and stray files are reasons.</summary>
    private List<string> DescribeOutputs(SortedDictionary<string, string> recorded, IReadOnlyList<string> declared, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        foreach (var (path, hash) in recorded)
        {
            var current = hashes.TryHash(workspace.Resolve(path), cancellationToken);
            if (current is null)
            {
                reasons.Add($"output '{path}' is missing");
            }
            else if (current.Value.ToString() != hash)
            {
                reasons.Add($"output '{path}' was modified");
            }
        }

        foreach (var spec in declared)
        {
            if (PathSpec.IsFolder(spec))
            {
                foreach (var file in PathSpec.FilesUnder(workspace.Resolve(spec.TrimEnd('/'))).Select(workspace.Relative))
                {
                    if (!recorded.ContainsKey(file))
                    {
                        reasons.Add($"output '{file}' was not written by the stage");
                    }
                }
            }
            else if (!recorded.ContainsKey(spec))
            {
                reasons.Add($"output '{spec}' is not recorded");
            }
        }

        return reasons;
    }

    private ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken };
}
