using System.Text;
using System.Text.Json;
using Sonique.Engine.Hashing;
using Sonique.Files;

namespace Sonique.Engine;

/// <summary>
/// The lock file (meant to be committed, like <c>dvc.lock</c>) plus a local journal. Finished items are
/// appended to the journal and flushed to disk one by one, so a killed run loses no finished work; when a stage ends
/// (or the next run opens) its item records are written to a <see cref="Manifest"/> in the content store first, then
/// the lock file, naming the manifest, is rewritten whole and atomically, then the journal is emptied: a crash between
/// any two steps leaves a lock file whose manifests exist and a journal that still holds what they lack.
/// A stage's manifest is read on the first look at its items, so a caller can fetch the <see cref="Manifests"/> into
/// the store before that.
/// </summary>
public sealed class LockFile : IDisposable
{
    /// <summary>The most input files a unit stage's record lists inline; past that they go into a manifest.</summary>
    public const int InlineInputsLimit = 100;

    private readonly string _path;
    private readonly string _journalPath;
    private readonly ContentStore _store;
    private readonly Action<string, string>? _warning;
    private readonly LockDocument _document;
    private readonly Dictionary<string, StageItems> _items = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private FileStream? _journal;
    private readonly bool _readOnly;
    private byte[]? _lastWritten;
    private bool _dirty;

    private LockFile(string path, string journalPath, ContentStore store, Action<string, string>? warning, LockDocument document, byte[]? lastWritten, bool readOnly)
    {
        _path = path;
        _journalPath = journalPath;
        _store = store;
        _warning = warning;
        _document = document;
        _lastWritten = lastWritten;
        _readOnly = readOnly;
    }

    /// <summary>Per stage, the items the journal holds: finished since the stage last committed. While a run is going,
    /// that is its progress in the stage it is running.</summary>
    public IReadOnlyList<StageProgress> Journaled { get; private set; } = [];

    /// <summary>The manifests the lock file names (one per per-item stage): what must be in the store for every item's
    /// record to be read.</summary>
    public IReadOnlyList<ContentHash> Manifests
    {
        get
        {
            lock (_gate)
            {
                return _document.Stages.Values
                    .Select(s => ContentHash.TryParse(s.Manifest, out var hash) ? hash : (ContentHash?)null)
                    .OfType<ContentHash>()
                    .Distinct()
                    .ToList();
            }
        }
    }

    /// <param name="warning">Told (stage, message) when a stage's manifest cannot be read: its items then have no record.</param>
    public static LockFile Open(string path, string journalPath, ContentStore store, Action<string, string>? warning = null)
    {
        var lockFile = Read(path, journalPath, store, warning, readOnly: false);
        if (lockFile.Journaled.Count > 0)
        {
            lockFile.Flush();
        }

        return lockFile;
    }

    /// <summary>The lock file with the journal replayed in memory only: writes nothing, so it reads a read-only
    /// workspace, or one a run is writing (whose journal may vanish as its stage commits).</summary>
    public static LockFile OpenForReading(string path, string journalPath, ContentStore store, Action<string, string>? warning = null) =>
        Read(path, journalPath, store, warning, readOnly: true);

    private static LockFile Read(string path, string journalPath, ContentStore store, Action<string, string>? warning, bool readOnly)
    {
        byte[]? existing = File.Exists(path) ? File.ReadAllBytes(path) : null;
        var lockFile = existing is null
            ? new LockFile(path, journalPath, store, warning, new LockDocument(), null, readOnly)
            : Parse(path, journalPath, store, warning, existing, readOnly);
        lockFile.Journaled = lockFile.ReplayJournal();
        return lockFile;
    }

    private static LockFile Parse(string path, string journalPath, ContentStore store, Action<string, string>? warning, byte[] existing, bool readOnly)
    {
        try
        {
            var format = JsonSerializer.Deserialize(existing, EngineJsonContext.Default.LockFormat)?.Format ?? LockDocument.CurrentFormat;
            switch (format)
            {
                case LockDocument.CurrentFormat:
                    var document = JsonSerializer.Deserialize(existing, EngineJsonContext.Default.LockDocument) ?? new LockDocument();
                    return new LockFile(path, journalPath, store, warning, document, existing, readOnly);
                case 1:
                    return FromFormat1(path, journalPath, store, warning, existing, readOnly);
                default:
                    throw new InvalidDataException($"The lock file '{path}' has format {format}, which this Sonique does not know (it reads 1 and {LockDocument.CurrentFormat}): it was written by a newer one.");
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The lock file '{path}' is not valid JSON ({e.Message}). Restore it from version control, or delete it to treat every stage as never run.", e);
        }
    }

    /// <summary>A lock file that holds its items inline: read as it is, and written as the current format (its items in
    /// manifests) the next time anything changes; a run that changes nothing leaves it as it was.</summary>
    private static LockFile FromFormat1(string path, string journalPath, ContentStore store, Action<string, string>? warning, byte[] existing, bool readOnly)
    {
        var old = JsonSerializer.Deserialize(existing, EngineJsonContext.Default.LockDocumentFormat1) ?? new LockDocumentFormat1();
        var lockFile = new LockFile(path, journalPath, store, warning, new LockDocument(), existing, readOnly);
        foreach (var (name, stage) in old.Stages)
        {
            lockFile._document.Stages[name] = new StageRecord
            {
                Version = stage.Version,
                Parameters = stage.Parameters,
                Fingerprint = stage.Fingerprint,
                Inputs = stage.Inputs,
                Outputs = stage.Outputs,
            };
            if (stage.Items is not null)
            {
                lockFile._items[name] = new StageItems(new Dictionary<string, ItemRecord>(stage.Items, StringComparer.Ordinal)) { Changed = true };
            }
            else if (stage.Fingerprint is not null && stage.Inputs is { Count: > InlineInputsLimit })
            {
                lockFile._items[name] = new StageItems(UnitItem(name, stage.Fingerprint, stage.Inputs, stage.Outputs)) { Changed = true };
            }
        }

        return lockFile;
    }

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
            return ItemsOf(stage, create: false)?.Records.GetValueOrDefault(key);
        }
    }

    /// <summary>A per-item stage's item records by key, read from its manifest; null when the stage has none (never run,
    /// or a unit stage). The records are a copy, so they may be read while items are being committed.</summary>
    public IReadOnlyDictionary<string, ItemRecord>? Items(string stage)
    {
        lock (_gate)
        {
            return _document.Stages.GetValueOrDefault(stage)?.Fingerprint is null
                ? ItemsOf(stage, create: false)?.Records.ToDictionary(StringComparer.Ordinal)
                : null;
        }
    }

    /// <summary>Whether a per-item stage has item records (its manifest's, or committed in this run): false when it
    /// never ran. Reads the manifest, as <see cref="Items"/> does, but copies nothing.</summary>
    public bool HasItemRecords(string stage)
    {
        lock (_gate)
        {
            return _document.Stages.GetValueOrDefault(stage)?.Fingerprint is null && ItemsOf(stage, create: false) is not null;
        }
    }

    /// <summary>A unit stage's input files: inline in its record, or in its manifest when there are many; null when
    /// the stage has no record, or its manifest cannot be read.</summary>
    public SortedDictionary<string, string>? UnitInputs(string stage)
    {
        lock (_gate)
        {
            return _document.Stages.GetValueOrDefault(stage) is { Fingerprint: not null } record
                ? record.Inputs ?? ItemsOf(stage, create: false)?.Records.GetValueOrDefault(stage)?.Inputs
                : null;
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
            var old = _document.Stages.GetValueOrDefault(stage);
            if (keepItems is not null)
            {
                var items = ItemsOf(stage, create: true)!;
                foreach (var gone in items.Records.Keys.Where(k => !keepItems.Contains(k)).ToList())
                {
                    items.Records.Remove(gone);
                    items.Changed = true;
                    _dirty = true;
                }

                // Written by Flush from the items; until then the manifest already written still describes them.
                record.Manifest = old?.Manifest;
                record.Items = old?.Items;
                record.Succeeded = old?.Succeeded;
                record.Failed = old?.Failed;
                if (record.Manifest is null)
                {
                    // A stage of no items yet still ran: an empty manifest says so after the next open too.
                    items.Changed = true;
                }
            }
            else if (record.Inputs is { Count: > InlineInputsLimit } inputs)
            {
                var items = new StageItems(UnitItem(stage, record.Fingerprint ?? "", inputs, record.Outputs));
                _items[stage] = items;
                WriteManifest(stage, record, items);
            }
            else if (_items.Remove(stage))
            {
                _dirty = true;
            }

            if (!SameHeader(old, record))
            {
                _dirty = true;
            }

            _document.Stages[stage] = record;
            Flush();
        }
    }

    /// <summary>Writes every changed stage's manifest to the store, then the lock file if it changed, then empties the
    /// journal, in that order, so that what the lock file names is always in the store.</summary>
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

            foreach (var (stage, items) in _items.Where(i => i.Value.Changed))
            {
                if (!_document.Stages.TryGetValue(stage, out var record))
                {
                    // Items journaled by a run killed before the stage ended once: no header yet.
                    record = new StageRecord();
                    _document.Stages[stage] = record;
                }

                WriteManifest(stage, record, items);
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

    private void WriteManifest(string stage, StageRecord record, StageItems items)
    {
        record.Manifest = _store.AddBytes(Manifest.Encode(items.Records)).ToString();
        if (record.Fingerprint is not null)
        {
            record.InputFiles = items.Records[stage].Inputs.Count;
            record.Inputs = null;
        }
        else
        {
            var failed = items.Records.Values.Count(r => r.Failure is not null);
            record.Items = items.Records.Count;
            record.Succeeded = items.Records.Count - failed;
            record.Failed = failed;
        }

        items.Changed = false;
    }

    /// <summary>A unit stage's record as its manifest holds it: one item, keyed by the stage's name.</summary>
    private static Dictionary<string, ItemRecord> UnitItem(string stage, string fingerprint, SortedDictionary<string, string> inputs, SortedDictionary<string, string>? outputs) =>
        new(StringComparer.Ordinal)
        {
            [stage] = new ItemRecord { Fingerprint = fingerprint, Inputs = inputs, Outputs = outputs ?? new SortedDictionary<string, string>(StringComparer.Ordinal) },
        };

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
        var items = ItemsOf(stage, create: true)!;
        items.Records[key] = record;
        items.Changed = true;
        _dirty = true;
    }

    /// <summary>A stage's item records, its manifest read on the first call. A manifest that is named but missing or
    /// corrupt (a fresh clone whose store is empty) is warned about once, and its items have no record: they are
    /// restored from the run cache or run again, and the next manifest written holds what they record then.</summary>
    private StageItems? ItemsOf(string stage, bool create)
    {
        if (_items.TryGetValue(stage, out var items))
        {
            return items;
        }

        var manifest = _document.Stages.GetValueOrDefault(stage)?.Manifest;
        if (manifest is null && !create)
        {
            return null;
        }

        items = new StageItems(manifest is null ? new Dictionary<string, ItemRecord>(StringComparer.Ordinal) : ReadManifest(stage, manifest));
        _items[stage] = items;
        return items;
    }

    private Dictionary<string, ItemRecord> ReadManifest(string stage, string manifest)
    {
        string problem;
        if (!ContentHash.TryParse(manifest, out var hash))
        {
            problem = "is not a content hash";
        }
        else
        {
            switch (_store.TryReadBytes(hash, out var bytes))
            {
                case RestoreResult.Restored:
                    try
                    {
                        return Manifest.Decode(bytes);
                    }
                    catch (InvalidDataException e)
                    {
                        problem = $"cannot be read ({e.Message})";
                    }

                    break;
                case RestoreResult.Corrupt:
                    problem = "was corrupt in the store and was removed";
                    break;
                default:
                    problem = $"is not in the store ({_store.Root})";
                    break;
            }
        }

        _warning?.Invoke(stage, $"the manifest of its item records, {manifest}, named by the lock file, {problem}; its items are treated as never run (restored from the run cache where it knows them, else run again)");
        return new Dictionary<string, ItemRecord>(StringComparer.Ordinal);
    }

    private static bool SameHeader(StageRecord? old, StageRecord now) =>
        old is not null && old.Version == now.Version && old.Fingerprint == now.Fingerprint && old.Manifest == now.Manifest
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

/// <summary>A stage's item records in memory, and whether they differ from its manifest.</summary>
internal sealed class StageItems(Dictionary<string, ItemRecord> records)
{
    public Dictionary<string, ItemRecord> Records { get; } = records;

    public bool Changed { get; set; }
}

/// <summary>Items of a stage finished so far (<paramref name="Failed"/> of them failed).</summary>
public sealed record StageProgress(string Stage, int Done, int Failed);
