namespace Sonique.Analysis.Tests.Features;

/// <summary>The tempo bar's arithmetic: a hit is within 2% of the truth, and half or double time is a miss.</summary>
internal static class TempoScore
{
    public static double WithinTwoPercent(IReadOnlyList<double> estimates, IReadOnlyList<double> truth) =>
        Share(estimates, truth, (bpm, real) => Math.Abs(bpm - real) <= 0.02 * real);

    public static double OctaveErrors(IReadOnlyList<double> estimates, IReadOnlyList<double> truth) =>
        Share(estimates, truth, (bpm, real) => Math.Abs(bpm - (2 * real)) <= 0.04 * real || Math.Abs(bpm - (real / 2)) <= 0.01 * real);

    private static double Share(IReadOnlyList<double> estimates, IReadOnlyList<double> truth, Func<double, double, bool> hit) =>
        (double)estimates.Zip(truth).Count(p => hit(p.First, p.Second)) / truth.Count;
}
