using Sonique.Tests.Shared.Evaluation;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// Tempo and key accuracy on the evaluation corpus, both halves, ours beside `aubio tempo` and Essentia's
/// RhythmExtractor2013 and KeyExtractor (essentia.js under Node) on the same files in the same run. The development
/// half's clips are listed one by one (that half is for tuning); the held-out half only as counts. `--quick` runs ours
/// alone on the development half, for tuning.
/// </summary>
internal static class AccuracyBenchmark
{
    public static async Task<string> RunAsync(string scratch, bool quick, CancellationToken cancellationToken)
    {
        if (quick)
        {
            // Tuning: ours alone on the development half, no references, nothing held out.
            var wavs = await EvaluationCorpus.WriteAsync(EvaluationCorpus.Development, Path.Combine(scratch, "development"), cancellationToken);
            var ours = await CorpusComparison.OursAsync(wavs, cancellationToken);
            var accuracy = Accuracy.Of(EvaluationCorpus.Development, ours);
            return Invariant($"## Accuracy (quick): ours on the development half only: strict {accuracy.Strict}, octave {accuracy.Octave}, key {accuracy.Key}, mode {accuracy.Mode} of {accuracy.Clips}\n\n")
                + string.Join("\n", EvaluationCorpus.Development.Select((clip, i) => "    " + CorpusComparison.OurLine(clip, ours[i]))) + "\n";
        }

        Progress.Say($"development half: writing {EvaluationCorpus.Development.Count} clips, measuring ours, aubio and essentia.js");
        var development = await CorpusComparison.MeasureAsync(EvaluationCorpus.Development, Path.Combine(scratch, "development"), cancellationToken);
        Progress.Say($"held-out half: writing {EvaluationCorpus.HeldOut.Count} clips, measuring ours, aubio and essentia.js");
        var heldOut = await CorpusComparison.MeasureAsync(EvaluationCorpus.HeldOut, Path.Combine(scratch, "held-out"), cancellationToken);

        var rows = new List<IReadOnlyList<string>>();
        foreach (var (half, comparison) in (IEnumerable<(string, CorpusComparison)>)[("development", development), ("held-out", heldOut)])
        {
            rows.Add(Row(half, "ours", comparison.OurAccuracy, withKey: true));
            rows.Add(Row(half, "aubio tempo", comparison.AubioAccuracy, withKey: false));
            rows.Add(Row(half, "essentia.js 0.1.3", comparison.EssentiaAccuracy, withKey: true));
        }

        return "## Accuracy: tempo and key on the evaluation corpus\n\n"
            + Invariant($"{EvaluationCorpus.Seconds:F0} s clips; strict: within 2% of the counted tempo; octave: within 2% of it, its half or its double; ")
            + "key: the tonic, and the mode where the clip has a third; mode: major, minor, or unknown where it has none.\n\n"
            + Table(["half", "estimator", "strict", "octave", "key", "mode"], rows)
            + "\nDevelopment clips:\n\n" + string.Join("\n", development.Lines().Select(line => "    " + line)) + "\n";
    }

    private static IReadOnlyList<string> Row(string half, string estimator, Accuracy accuracy, bool withKey) =>
    [
        half,
        estimator,
        Invariant($"{accuracy.Strict}/{accuracy.Clips}"),
        Invariant($"{accuracy.Octave}/{accuracy.Clips}"),
        withKey ? Invariant($"{accuracy.Key}/{accuracy.Clips}") : "",
        withKey ? Invariant($"{accuracy.Mode}/{accuracy.Clips}") : "",
    ];
}
