namespace Sonique.Dataset.Pairs;

/// <summary>What balancing kept and what it dropped, both in clip-id ordinal order.</summary>
/// <param name="Kept">The training clips to fine-tune on.</param>
/// <param name="Dropped">The training clips left out, each with why.</param>
public sealed record BalanceResult(IReadOnlyList<ClipPair> Kept, IReadOnlyList<BalancedOut> Dropped)
{
    /// <summary>
    /// The caps that could not be met without emptying the set, each said in words; empty when every cap holds. A cap
    /// named here was not enforced (see <see cref="Balancer"/> for which clips are then kept).
    /// </summary>
    public IReadOnlyList<string> Unmet { get; init; } = [];

    public bool CapsMet => Unmet.Count == 0;
}

/// <summary>A training clip balancing left out, and the over-represented tags or tempo band it was dropped for.</summary>
/// <param name="Reason">For example "tag 'Energetic' above 40% of training clips"; several are joined by "; ".</param>
public sealed record BalancedOut(ClipPair Pair, string Reason);
