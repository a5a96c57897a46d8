namespace Sonique.Dataset.Pairs;

/// <summary>How the Pair stage splits and balances: the split ratios and the salt that draws the split, and the balancing caps.</summary>
/// <param name="Salt">Changing it draws a new split; keeping it keeps every clip where it was.</param>
public sealed record PairOptions(SplitRatios Ratios, string Salt, BalanceOptions Balance);
