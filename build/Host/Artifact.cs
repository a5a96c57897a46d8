using Sonique.Media.Clips;

namespace Sonique.Build.Host;

/// <summary>
/// What a stage writes, declared once, as a static field of the task that writes it; a stage that reads it names that
/// field, never a path. Who reads what from whom is therefore data: the tasks' order comes from it
/// (<see cref="TaskCatalog"/>), Status and --dryrun print it, and a stage that reads or writes an artifact it has not
/// declared is refused before it runs (<see cref="Frosting.StageTask.Declared"/>).
/// </summary>
/// <param name="Producer">The task that writes it.</param>
public abstract record Artifact(Type Producer)
{
    /// <summary>Where every stage writes; a path outside it (a configured file, a folder source) is no stage's output.</summary>
    public const string Root = "artifacts/";

    /// <summary>The artifact as the graph shows it: a path, with {clip} for a per-clip file.</summary>
    public abstract string Shown { get; }

    /// <summary>Whether the workspace-relative path (a file, or a folder ending in '/') is this artifact or one of its files.</summary>
    public abstract bool Covers(string path);

    public sealed override string ToString() => Shown;
}

/// <summary>One file, or one folder (its path ends in '/') whose files the stage writes together.</summary>
public sealed record FileArtifact(Type Producer, string Path) : Artifact(Producer)
{
    public bool IsFolder => Path.EndsWith('/');

    /// <summary>The file's name in its folder: what a stage that writes a folder names it in its staging folder.</summary>
    public string Name => System.IO.Path.GetFileName(Path.TrimEnd('/'));

    public override string Shown => Path;

    /// <summary>A file of this folder, written with it (train.jsonl of artifacts/pairs/).</summary>
    public FileArtifact File(string name) => IsFolder
        ? new FileArtifact(Producer, Path + name)
        : throw new InvalidOperationException($"'{Path}' is a file, not a folder.");

    /// <summary>The path itself, a file of this folder, or a folder this artifact lies in (a stage that writes or reads
    /// artifacts/pairs/ as one folder writes or reads its files).</summary>
    public override bool Covers(string path) =>
        path == Path
        || (IsFolder && path.StartsWith(Path, StringComparison.Ordinal))
        || (path.EndsWith('/') && Path.StartsWith(path, StringComparison.Ordinal));
}

/// <summary>One file per clip in a folder, named by <see cref="ClipId.FileName"/>: artifacts/clips/{clip}.mp4.</summary>
public sealed record ClipArtifact(Type Producer, string Folder, string Extension) : Artifact(Producer)
{
    /// <summary>The clip's file.</summary>
    public string Of(ClipId clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return $"{Folder}/{clip.FileName}{Extension}";
    }

    /// <summary>Every clip's file, as a folder input: a stage that joins all clips reads this.</summary>
    public string EveryClip => Folder + "/";

    public override string Shown => $"{Folder}/{{clip}}{Extension}";

    public override bool Covers(string path) =>
        path == EveryClip
        || (path.StartsWith(EveryClip, StringComparison.Ordinal) && path.EndsWith(Extension, StringComparison.Ordinal) && path.IndexOf('/', EveryClip.Length) < 0);
}
