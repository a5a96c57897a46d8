namespace Sonique.Build.Host;

/// <summary>Where each stage's files live in the workspace: one place, so a stage and the stages that read
/// it can never disagree.</summary>
public static class ArtifactPaths
{
    public const string Samples = "artifacts/samples";

    public const string Catalog = "artifacts/catalog.csv";

    public const string CatalogRejected = "artifacts/catalog.rejected.csv";

    public const string Clips = "artifacts/clips";

    public static string ClipVideo(string file) => $"{Clips}/{file}.mp4";

    public static string ClipAudio(string file) => $"{Clips}/{file}.wav";

    public const string Descriptions = "artifacts/descriptions";

    public const string Tags = "artifacts/tags";

    public static string Description(string file) => $"{Descriptions}/{file}.json";

    public static string TagsOf(string file) => $"{Tags}/{file}.json";

    public const string Models = "artifacts/models";

    /// <summary>The base model the later stages use: stories15M converted here, or a configured GGUF (named in <see cref="BaseModelManifest"/>).</summary>
    public const string Stories15M = "artifacts/models/stories15M.gguf";

    public const string BaseModelManifest = "artifacts/models/base.json";

    public const string Pairs = "artifacts/pairs";

    /// <summary>Every pair in one file, as the original's train_dataset.json held them.</summary>
    public const string PairsDataset = "dataset.jsonl";

    public static string PairsFile(string name) => $"{Pairs}/{name}";

    public const string FineTune = "artifacts/finetune";

    /// <summary>Checkpoints kept between runs so a killed FineTune resumes; each names the run it belongs to.</summary>
    public const string FineTuneCheckpoints = "cache/finetune";

    /// <summary>Both models' answers on the test split and their metrics (evaluation.json, answers.csv).</summary>
    public const string Evaluation = "artifacts/evaluation";

    /// <summary>The report: report.html (self-contained, charts embedded) and summary.md.</summary>
    public const string Report = "artifacts/report";

    /// <summary>Downloads kept between runs (a package tarball), verified on every use; never an artifact.</summary>
    public const string Downloads = "cache/downloads";
}
