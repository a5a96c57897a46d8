namespace Sonique.Training;

/// <summary>The learning rate at each optimizer step: linear warmup, then constant, linear decay or cosine decay
/// to zero, the shapes of transformers' schedulers of the same names. Unlike those, the first warmup step is
/// taken at 1/warmup of the rate rather than at zero.</summary>
public sealed class LearningRateSchedule(string name, double peak, int totalSteps, double warmupRatio)
{
    public static IReadOnlyList<string> Names { get; } = ["constant", "linear", "cosine"];

    public int WarmupSteps { get; } = (int)Math.Ceiling(totalSteps * warmupRatio);

    /// <summary>The rate for step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (step < WarmupSteps)
        {
            return peak * (step + 1) / WarmupSteps;
        }

        var progress = totalSteps <= WarmupSteps ? 0 : (double)(step - WarmupSteps) / (totalSteps - WarmupSteps);
        return name.ToLowerInvariant() switch
        {
            "linear" => peak * (1 - progress),
            "cosine" => peak * 0.5 * (1 + Math.Cos(Math.PI * progress)),
            _ => peak,
        };
    }
}
