using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sonique.Engine;
using Sonique.Files;

namespace Sonique.Cluster;

/// <summary>
/// One job array's folder on the shared filesystem, written by the login node before it submits: per array task the
/// items it runs (<c>N.items</c>: each item's key, input and output paths and values, one JSON line each, as the login
/// node listed them, so a task neither lists the stage again nor reads the lock file), the journal it records finished
/// items in (<c>N.journal</c>) and the exit marker it leaves when it ends (<c>N.exit</c>: its exit code), beside the
/// script every task runs.
/// </summary>
public sealed class ShardFolder(string path)
{
    /// <summary>The variable Slurm gives each array task its index in.</summary>
    public const string TaskIndexVariable = "SLURM_ARRAY_TASK_ID";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string ScriptPath => System.IO.Path.Combine(Path, "task.sh");

    public string ItemsPath(int task) => Of(task, "items");

    public string JournalPath(int task) => Of(task, "journal");

    public string ExitPath(int task) => Of(task, "exit");

    /// <summary>Writes each task's items; returns how many tasks there are.</summary>
    public int Write(IReadOnlyList<StageItem> items, int itemsPerTask)
    {
        Directory.CreateDirectory(Path);
        var tasks = items.Chunk(Math.Max(1, itemsPerTask)).ToList();
        for (var i = 0; i < tasks.Count; i++)
        {
            var shard = tasks[i];
            AtomicFile.Write(ItemsPath(i), stream =>
            {
                foreach (var item in shard)
                {
                    JsonSerializer.Serialize(stream, new ShardItem(item.Key, item.Inputs, item.Outputs, item.Values), ShardItemJsonContext.Default.ShardItem);
                    stream.WriteByte((byte)'\n');
                }
            });
        }

        return tasks.Count;
    }

    /// <summary>In an array task: its index, from Slurm's environment.</summary>
    public static int CurrentTask() =>
        Environment.GetEnvironmentVariable(TaskIndexVariable) is { } index
            ? int.Parse(index, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{TaskIndexVariable} is not set: a shard runs as a Slurm array task.");

    /// <summary>The items one task runs; a line that is not an item is refused, naming the file and the line.</summary>
    public async Task<IReadOnlyList<StageItem>> ReadItemsAsync(int task, CancellationToken cancellationToken)
    {
        var path = ItemsPath(task);
        var items = new List<StageItem>();
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            ShardItem? item;
            try
            {
                item = JsonSerializer.Deserialize(line, ShardItemJsonContext.Default.ShardItem);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}, line {number}: not a shard's item ({e.Message})"), e);
            }

            items.Add(item is { Key: not null, Inputs: not null, Outputs: not null }
                ? new StageItem(item.Key, item.Inputs, item.Outputs) { Values = item.Values ?? new Dictionary<string, string>() }
                : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}, line {number}: a shard's item needs a key, inputs and outputs")));
        }

        return items;
    }

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

/// <summary>One line of a task's items file: a <see cref="StageItem"/> as the login node listed it.</summary>
internal sealed record ShardItem(string? Key, IReadOnlyList<string>? Inputs, IReadOnlyList<string>? Outputs, IReadOnlyDictionary<string, string>? Values);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ShardItem))]
internal sealed partial class ShardItemJsonContext : JsonSerializerContext;
