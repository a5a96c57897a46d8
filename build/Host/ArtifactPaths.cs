namespace Sonique.Build.Host;

/// <summary>Where the host keeps what outlives a run without being any stage's output. A stage's outputs are
/// declared by its task, as <see cref="Artifact"/>s.</summary>
public static class ArtifactPaths
{
    /// <summary>Checkpoints kept between runs so a killed FineTune resumes; each names the run it belongs to.</summary>
    public const string FineTuneCheckpoints = "cache/finetune";

    /// <summary>Downloads kept between runs (a package tarball), verified on every use; never an artifact.</summary>
    public const string Downloads = "cache/downloads";
}
