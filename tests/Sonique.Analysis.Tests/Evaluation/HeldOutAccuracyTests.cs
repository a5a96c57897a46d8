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
    // The bar of issue 20, not met yet: on the held-out half ours is behind Essentia on tempo (the level is still
    // chosen by the 120 BPM prior) and on key (bench/RESULTS.md, `--suite accuracy`, has the figures). Remove the
    // skip when the tempo level is chosen from evidence.
    [Fact(Skip = "issue 20 open: ours is behind essentia.js on the held-out half (bench/RESULTS.md, --suite accuracy)")]
    public async Task Ours_is_at_least_as_good_as_the_best_reference_on_the_held_out_half()
    {
        using var folder = new TempFolder();
        var comparison = await CorpusComparison.MeasureAsync(EvaluationCorpus.HeldOut, folder.Root, TestContext.Current.CancellationToken);
        var (ours, aubio, essentia) = (comparison.OurAccuracy, comparison.AubioAccuracy, comparison.EssentiaAccuracy);
        // Counts only: a clip-by-clip listing of the held-out half would invite tuning on it.
        var report = $"of {ours.Clips}: ours {ours}, aubio {aubio}, essentia {essentia}";
        TestContext.Current.SendDiagnosticMessage(report);

        Assert.True(ours.Strict >= Math.Max(aubio.Strict, essentia.Strict), report);
        Assert.True(ours.Key >= essentia.Key, report);
        Assert.True(ours.Mode >= essentia.Mode, report);
    }
}
