using System.Text;
using System.Text.Json;

namespace Sonique.Engine;

/// <summary>
/// The journal of one shard of a stage run elsewhere (a cluster's array task): the shard's finished items, one line
/// each, flushed to disk one by one in the lock journal's format. The shard takes no run lock and never writes the
/// lock file; the run that holds the lock reads these lines as they arrive (<see cref="ShardJournalReader"/>) and
/// commits them, so a shard killed mid-way loses only the items it had in flight.
/// </summary>
public sealed class ShardJournal : IDisposable
{
    private readonly FileStream _stream;
    private readonly Lock _gate = new();

    public ShardJournal(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    internal void Append(string stage, string key, ItemRecord record)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(new JournalEntry { Stage = stage, Item = key, Record = record }, JournalJsonContext.Default.JournalEntry);
        lock (_gate)
        {
            _stream.Write(line);
            _stream.WriteByte((byte)'\n');
            _stream.Flush(flushToDisk: true);
        }
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>Reads what a <see cref="ShardJournal"/> gained since the last read: whole lines only, so a line being
/// written is read the next time, and a torn last line of a killed shard never.</summary>
public sealed class ShardJournalReader(string path)
{
    private long _offset;

    public string Path { get; } = path;

    internal List<JournalEntry> ReadNew()
    {
        var entries = new List<JournalEntry>();
        byte[] bytes;
        try
        {
            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length <= _offset)
            {
                return entries;
            }

            stream.Position = _offset;
            bytes = new byte[stream.Length - _offset];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The shard has not started yet.
            return entries;
        }

        var end = Array.LastIndexOf(bytes, (byte)'\n');
        if (end < 0)
        {
            return entries;
        }

        _offset += end + 1;
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                if (JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalEntry) is { Record: not null } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                // A torn line (a shard killed while writing it, then its file appended to again) is redone.
            }
        }

        return entries;
    }
}
