using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Evaluation;

namespace Sonique.Analysis.Tests.Evaluation;

/// <summary>
/// Ours against the references on the held-out half of the evaluation corpus, music nothing was tuned on: tempo
/// at least as often within 2% as the better of `aubio tempo` and Essentia's RhythmExtractor2013, and key and mode
/// at least as often as Essentia's KeyExtractor. `--suite accuracy` prints the same comparison for both halves.
/// </summary>
[Trait("Tier", "Tool")] // aubio and Node (essentia.js) measure the same files
public sealed class HeldOutAccuracyTests
{
    [Fact]
    public async Task Ours_is_at_least_as_good_as_the_best_reference_on_the_held_out_half()
    {
        using var folder = new TempFolder();
        var comparison = await CorpusComparison.MeasureAsync(EvaluationCorpus.HeldOut, folder.Root, TestContext.Current.CancellationToken);
        var (ours, aubio, essentia) = (comparison.OurAccuracy, comparison.AubioAccuracy, comparison.EssentiaAccuracy);
        var report = $"of {ours.Clips}: ours {ours}, aubio {aubio}, essentia {essentia}\n{string.Join("\n", comparison.Lines())}";
        TestContext.Current.SendDiagnosticMessage(report);

        Assert.True(ours.Strict >= Math.Max(aubio.Strict, essentia.Strict), report);
        Assert.True(ours.Key >= essentia.Key, report);
        Assert.True(ours.Mode >= essentia.Mode, report);
    }
}
