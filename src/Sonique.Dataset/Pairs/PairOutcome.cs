namespace Sonique.Dataset.Pairs;

/// <summary>What <see cref="PairDataset.WriteAsync"/> wrote, for the stage to log and the report to use.</summary>
/// <param name="Statistics">The same numbers as statistics.json.</param>
/// <param name="Train">Lines written to train.jsonl (training clips after balancing).</param>
/// <param name="Validation">Lines written to validation.jsonl.</param>
/// <param name="Test">Lines written to test.jsonl.</param>
/// <param name="Dropped">The training clips balancing left out, with why, in clip-id ordinal order.</param>
/// <param name="UnmetCaps">The balancing caps that could not be met (see <see cref="BalanceResult.Unmet"/>); empty when all hold.</param>
public sealed record PairOutcome(
    DatasetStatistics Statistics,
    int Train,
    int Validation,
    int Test,
    IReadOnlyList<BalancedOut> Dropped,
    IReadOnlyList<string> UnmetCaps);
