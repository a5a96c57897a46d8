namespace Sonique.Dataset.Pairs;

/// <summary>
/// The expected shares of clips held out for validation and for test; the rest is training. Each share is in [0, 1) and
/// together they are below 1, so training is never empty by construction (<see cref="Validate"/> says so when not).
/// </summary>
public sealed record SplitRatios(double Validation = 0.1, double Test = 0.1)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the ratio that is out of range.</summary>
    public void Validate()
    {
        if (!(Validation is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Validation), Validation, "The validation ratio must be in [0, 1).");
        }

        if (!(Test is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Test), Test, "The test ratio must be in [0, 1).");
        }

        if (!(Validation + Test < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Test), Test, $"The validation and test ratios together ({Validation} + {Test}) must be below 1.");
        }
    }
}
