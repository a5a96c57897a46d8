using System.Text;
using System.Text.Json;
using Sonique.Engine.Hashing;
using Sonique.Files;

namespace Sonique.Engine;

/// <summary>
/// The lock file (meant to be committed, like <c>dvc.lock</c>) plus a local journal. Finished items are
/// appended to the journal and flushed to disk one by one, so a killed run loses no finished work; the
/// lock file itself is rewritten whole, atomically, when a stage ends or the next run opens.
/// </summary>
public sealed class LockFile : IDisposable
{
    private readonly string _path;
    private readonly string _journalPath;
    private readonly LockDocument _document;
    private readonly Lock _gate = new();
    private FileStream? _journal;
    private readonly bool _readOnly;
    private byte[]? _lastWritten;
    private bool _dirty;

    private LockFile(string path, string journalPath, LockDocument document, byte[]? lastWritten, bool readOnly)
    {
        _path = path;
        _journalPath = journalPath;
        _document = document;
        _lastWritten = lastWritten;
        _readOnly = readOnly;
    }

    /// <summary>Per stage, the items the journal holds: finished since the stage last committed. While a run is going,
    /// that is its progress in the stage it is running.</summary>
    public IReadOnlyList<StageProgress> Journaled { get; private set; } = [];

    public static LockFile Open(string path, string journalPath)
    {
        var lockFile = Read(path, journalPath, readOnly: false);
        if (lockFile.Journaled.Count > 0)
        {
            lockFile.Flush();
        }

        return lockFile;
    }

    /// <summary>The lock file with the journal replayed in memory only: writes nothing, so it reads a read-only
    /// workspace, or one a run is writing (whose journal may vanish as its stage commits).</summary>
    public static LockFile OpenForReading(string path, string journalPath) => Read(path, journalPath, readOnly: true);

    private static LockFile Read(string path, string journalPath, bool readOnly)
    {
        byte[]? existing = File.Exists(path) ? File.ReadAllBytes(path) : null;
        LockDocument document;
        try
        {
            document = existing is null
                ? new LockDocument()
                : JsonSerializer.Deserialize(existing, EngineJsonContext.Default.LockDocument) ?? new LockDocument();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The lock file '{path}' is not valid JSON ({e.Message}). Restore it from version control, or delete it to treat every stage as never run.", e);
        }

        var lockFile = new LockFile(path, journalPath, document, existing, readOnly);
        lockFile.Journaled = lockFile.ReplayJournal();
        return lockFile;
    }

    /// <summary>The blobs of the content store this lock file names outside any item's outputs (none in this format), which
    /// a clone must fetch from a remote cache to read the lock.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "The manifest format reads them from the document.")]
    public IEnumerable<ContentHash> Manifests => [];

    public StageRecord? Stage(string name)
    {
        lock (_gate)
        {
            return _document.Stages.GetValueOrDefault(name);
        }
    }

    public ItemRecord? Item(string stage, string key)
    {
        lock (_gate)
        {
            return _document.Stages.GetValueOrDefault(stage)?.Items?.GetValueOrDefault(key);
        }
    }

    /// <summary>Records one finished item durably; returns once the journal line is on disk.</summary>
    public void CommitItem(string stage, string key, ItemRecord record)
    {
        RefuseWhenReadOnly();
        var line = JsonSerializer.SerializeToUtf8Bytes(new JournalEntry { Stage = stage, Item = key, Record = record }, JournalJsonContext.Default.JournalEntry);
        lock (_gate)
        {
            Apply(stage, key, record);
            _journal ??= new FileStream(_journalPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            _journal.Write(line);
            _journal.WriteByte((byte)'\n');
            _journal.Flush(flushToDisk: true);
        }
    }

    /// <summary>Replaces a unit stage's record, or a per-item stage's header, keeping only the listed items.</summary>
    public void CommitStage(string stage, StageRecord record, IReadOnlySet<string>? keepItems = null)
    {
        RefuseWhenReadOnly();
        lock (_gate)
        {
            if (keepItems is not null)
            {
                var items = _document.Stages.GetValueOrDefault(stage)?.Items ?? new SortedDictionary<string, ItemRecord>(StringComparer.Ordinal);
                foreach (var gone in items.Keys.Where(k => !keepItems.Contains(k)).ToList())
                {
                    items.Remove(gone);
                    _dirty = true;
                }

                record.Items = items;
            }

            if (!SameHeader(_document.Stages.GetValueOrDefault(stage), record))
            {
                _dirty = true;
            }

            _document.Stages[stage] = record;
            Flush();
        }
    }

    /// <summary>Writes the lock file if it changed and empties the journal.</summary>
    public void Flush()
    {
        if (_readOnly)
        {
            return;
        }

        lock (_gate)
        {
            // A no-op run commits every stage unchanged; serializing the whole document to find that out
            // costs more than the rest of the run's bookkeeping.
            if (!_dirty && _lastWritten is not null)
            {
                CloseJournal();
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(_document, EngineJsonContext.Default.LockDocument) + "\n");
            if (_lastWritten is null || !bytes.AsSpan().SequenceEqual(_lastWritten))
            {
                AtomicFile.WriteAllBytes(_path, bytes);
                _lastWritten = bytes;
            }

            _dirty = false;
            CloseJournal();
        }
    }

    private void CloseJournal()
    {
        _journal?.Dispose();
        _journal = null;
        AtomicFile.TryDelete(_journalPath);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _journal?.Dispose();
            _journal = null;
        }
    }

    private void RefuseWhenReadOnly()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("This lock file was opened for reading; a run opens it with LockFile.Open.");
        }
    }

    private void Apply(string stage, string key, ItemRecord record)
    {
        if (!_document.Stages.TryGetValue(stage, out var stageRecord))
        {
            stageRecord = new StageRecord();
            _document.Stages[stage] = stageRecord;
        }

        stageRecord.Items ??= new SortedDictionary<string, ItemRecord>(StringComparer.Ordinal);
        stageRecord.Items[key] = record;
        _dirty = true;
    }

    private static bool SameHeader(StageRecord? old, StageRecord now) =>
        old is not null && old.Version == now.Version && old.Fingerprint == now.Fingerprint && (old.Items is null) == (now.Items is null)
        && Same(old.Parameters, now.Parameters) && Same(old.Inputs, now.Inputs) && Same(old.Outputs, now.Outputs);

    private static bool Same(SortedDictionary<string, string>? a, SortedDictionary<string, string>? b) =>
        a is null || b is null ? a is null && b is null : a.Count == b.Count && a.SequenceEqual(b);

    private List<StageProgress> ReplayJournal()
    {
        var progress = new Dictionary<string, (int Done, int Failed)>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.Exists(_journalPath) ? JournalLines() : [])
            {
                JournalEntry? entry;
                try
                {
                    entry = JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalEntry);
                }
                catch (JsonException)
                {
                    // Only the last line can be torn (the run died while writing it); that item is redone.
                    continue;
                }

                if (entry?.Record is null)
                {
                    continue;
                }

                Apply(entry.Stage, entry.Item, entry.Record);
                var (done, failed) = progress.GetValueOrDefault(entry.Stage);
                progress[entry.Stage] = (done + 1, failed + (entry.Record.Failure is null ? 0 : 1));
            }
        }
        catch (Exception e) when (_readOnly && e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The run committed its stage (which empties the journal) while it was read: those items are in the lock file now.
        }

        return progress.Select(p => new StageProgress(p.Key, p.Value.Done, p.Value.Failed)).ToList();
    }

    /// <summary>Read while a running run may append to it (Status) or delete it as its stage commits.</summary>
    private IEnumerable<string> JournalLines()
    {
        using var reader = new StreamReader(new FileStream(_journalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}

/// <summary>Items of a stage finished so far (<paramref name="Failed"/> of them failed).</summary>
public sealed record StageProgress(string Stage, int Done, int Failed);
