using System.Globalization;
using Sonique.Evaluation;

namespace Sonique.Report;

/// <summary>The metrics table both renderings show: one row per measure, a column per model.</summary>
internal static class MetricRows
{
    public static IReadOnlyList<(string Measure, Func<ModelMetrics, string> Value)> All { get; } =
    [
        ("answers that parse", m => $"{m.Parsed} / {m.Answers}"),
        ("tag precision", m => F(m.Precision)),
        ("tag recall", m => F(m.Recall)),
        ("tag F1 (mean over clips)", m => F(m.F1)),
        ("tag F1 (micro)", m => F(m.MicroF1)),
        ("answers with a tempo", m => m.TempoAnswers.ToString(CultureInfo.InvariantCulture)),
        ("tempo error, mean absolute (BPM)", m => m.TempoMeanAbsoluteError is { } e ? e.ToString("F1", CultureInfo.InvariantCulture) : "-"),
        ("distinct tags", m => m.DistinctTags.ToString(CultureInfo.InvariantCulture)),
        ("tag entropy (bits)", m => m.EntropyBits.ToString("F2", CultureInfo.InvariantCulture)),
        ("top-10 tags' share", m => m.Top10Share.ToString("0%", CultureInfo.InvariantCulture)),
        ("divergence from the reference tags (JS, bits)", m => F(m.DivergenceFromReference)),
        ("tags never seen in training", m => $"{m.TagsUnseenInTraining} ({m.UnseenShare.ToString("0%", CultureInfo.InvariantCulture)} of uses)"),
    ];

    private static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
