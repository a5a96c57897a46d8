using System.Globalization;
using Sonique.Files;

namespace Sonique.Cluster;

/// <summary>
/// One job array's folder on the shared filesystem, written by the login node before it submits: per array task the
/// item keys it runs (<c>N.keys</c>), the journal it records finished items in (<c>N.journal</c>) and the exit marker
/// it leaves when it ends (<c>N.exit</c>: its exit code), beside the script every task runs.
/// </summary>
public sealed class ShardFolder(string path)
{
    /// <summary>The variable Slurm gives each array task its index in.</summary>
    public const string TaskIndexVariable = "SLURM_ARRAY_TASK_ID";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string ScriptPath => System.IO.Path.Combine(Path, "task.sh");

    public string KeysPath(int task) => Of(task, "keys");

    public string JournalPath(int task) => Of(task, "journal");

    public string ExitPath(int task) => Of(task, "exit");

    /// <summary>Writes each task's keys; returns how many tasks there are.</summary>
    public int Write(IReadOnlyList<string> keys, int itemsPerTask)
    {
        Directory.CreateDirectory(Path);
        var tasks = keys.Chunk(Math.Max(1, itemsPerTask)).ToList();
        for (var i = 0; i < tasks.Count; i++)
        {
            AtomicFile.WriteAllText(KeysPath(i), string.Join('\n', tasks[i]) + "\n");
        }

        return tasks.Count;
    }

    /// <summary>In an array task: its index, from Slurm's environment.</summary>
    public static int CurrentTask() =>
        Environment.GetEnvironmentVariable(TaskIndexVariable) is { } index
            ? int.Parse(index, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{TaskIndexVariable} is not set: a shard runs as a Slurm array task.");

    /// <summary>The keys one task runs.</summary>
    public async Task<IReadOnlySet<string>> ReadKeysAsync(int task, CancellationToken cancellationToken) =>
        (await File.ReadAllLinesAsync(KeysPath(task), cancellationToken)).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);

    /// <summary>The task's exit code, once it has ended and said so; null before, or when it was killed.</summary>
    public int? ExitCode(int task)
    {
        try
        {
            return int.TryParse(File.ReadAllText(ExitPath(task)).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string Of(int task, string kind) => System.IO.Path.Combine(Path, string.Create(CultureInfo.InvariantCulture, $"{task}.{kind}"));
}
