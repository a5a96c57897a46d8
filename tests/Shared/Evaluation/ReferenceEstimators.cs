using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sonique.Tests.Shared.Evaluation;

/// <summary>What an estimator said about one clip: a tempo (0 when it found none) and a key as
/// <see cref="EvaluationClip.KeyName"/> spells it ("A minor", or "A" when it says the mode is unknown), and what
/// else it said that helps to read a miss.</summary>
internal sealed record Estimate(double TempoBpm, string Key, string Note = "");

/// <summary>
/// The anchors ours is measured against, on the same files in the same run: Debian's `aubio tempo`, and Essentia's
/// RhythmExtractor2013 and KeyExtractor through the pinned npm package essentia.js under Node (installed once into
/// the tests' download folder, kept between runs).
/// </summary>
internal static class ReferenceEstimators
{
    public const string EssentiaPackage = "essentia.js@0.1.3";

    private static readonly SemaphoreSlim Installing = new(1, 1);

    public static async Task<IReadOnlyList<double>> AubioTempoAsync(IReadOnlyList<string> wavs, CancellationToken cancellationToken)
    {
        var tempos = new double[wavs.Count];
        await Parallel.ForAsync(0, wavs.Count, cancellationToken, async (i, ct) =>
        {
            var said = Encoding.UTF8.GetString(await ExternalTool.RunAsync("aubio", ["tempo", wavs[i]], ct)).Trim();
            tempos[i] = double.Parse(said.Split(' ')[0], CultureInfo.InvariantCulture);
        });
        return tempos;
    }

    /// <summary>RhythmExtractor2013's BPM and KeyExtractor's key (its default, the "bgate" profile) per file.</summary>
    public static async Task<IReadOnlyList<Estimate>> EssentiaAsync(IReadOnlyList<string> wavs, CancellationToken cancellationToken)
    {
        var package = await InstallEssentiaAsync(cancellationToken);
        var script = RepositoryRoot.Combine("tests", "Shared", "Evaluation", "essentia-reference.js");
        var output = Encoding.UTF8.GetString(await ExternalTool.RunAsync("node", [script, package, .. wavs.Select(Path.GetFullPath)], cancellationToken));
        var estimates = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => new Estimate(e.GetProperty("bpm").GetDouble(), $"{Sharp(e.GetProperty("key").GetString()!)} {e.GetProperty("scale").GetString()}"))
            .ToList();
        return estimates.Count == wavs.Count
            ? estimates
            : throw new InvalidOperationException($"essentia-reference.js answered for {estimates.Count} of {wavs.Count} files: {output}");
    }

    /// <summary>Essentia spells keys with flats as often as sharps; the truth uses sharps.</summary>
    private static string Sharp(string key) => key switch
    {
        "Db" => "C#",
        "Eb" => "D#",
        "Gb" => "F#",
        "Ab" => "G#",
        "Bb" => "A#",
        _ => key,
    };

    private static async Task<string> InstallEssentiaAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(TempFolder.Parent, "downloads", EssentiaPackage);
        await Installing.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(Path.Combine(folder, "node_modules", "essentia.js", "package.json")))
            {
                return folder;
            }

            // Installed beside, then moved into place: a run killed halfway leaves no half package for the next.
            var staging = folder + "." + Environment.ProcessId;
            Directory.CreateDirectory(staging);
            await ExternalTool.RunAsync("npm", ["install", "--prefix", staging, "--no-audit", "--no-fund", "--ignore-scripts", "--no-save", EssentiaPackage], cancellationToken);
            try
            {
                Directory.Move(staging, folder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                // Another test process got there first.
                Directory.Delete(staging, recursive: true);
            }

            return folder;
        }
        finally
        {
            Installing.Release();
        }
    }
}
