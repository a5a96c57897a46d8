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
}
