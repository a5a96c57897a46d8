using System.Text.Json.Serialization;

namespace Sonique.Engine;

/// <summary>The lock file's content: per stage, what its results were last made with. A per-item stage's item records
/// live in a <see cref="Manifest"/> in the content store, which the stage's record names by its hash.</summary>
public sealed class LockDocument
{
    /// <summary>2 since item records moved into manifests; 1 held them inline (still read, rewritten as 2).</summary>
    public const int CurrentFormat = 2;

    public int Format { get; set; } = CurrentFormat;

    public SortedDictionary<string, StageRecord> Stages { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One stage's entry, what a reviewer reads in a diff. A unit stage fills in its own fingerprint, inputs and
/// outputs; a per-item stage names the manifest of its item records and counts them.</summary>
public sealed class StageRecord
{
    public int Version { get; set; }

    public SortedDictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);

    public string? Fingerprint { get; set; }

    /// <summary>A unit stage's input files and their hashes, while they are few enough to read in a diff; more (a stage
    /// that reads every item's output) are in its manifest, and <see cref="InputFiles"/> counts them.</summary>
    public SortedDictionary<string, string>? Inputs { get; set; }

    public int? InputFiles { get; set; }

    public SortedDictionary<string, string>? Outputs { get; set; }

    /// <summary>The hash of the manifest in the content store that holds the stage's item records (a unit stage's: its
    /// one record, with its inputs).</summary>
    public string? Manifest { get; set; }

    /// <summary>How many items the manifest records, and how many of them succeeded and failed.</summary>
    public int? Items { get; set; }

    public int? Succeeded { get; set; }

    public int? Failed { get; set; }
}

/// <summary>One item of a per-item stage: its fingerprint and input hashes, and either its output hashes
/// or the reason it failed.</summary>
public sealed class ItemRecord
{
    public string Fingerprint { get; set; } = "";

    public SortedDictionary<string, string>? Values { get; set; }

    public SortedDictionary<string, string> Inputs { get; set; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, string> Outputs { get; set; } = new(StringComparer.Ordinal);

    public string? Failure { get; set; }

    /// <summary>A permanent failure (a corrupt file, a removed video) is not retried until the item's
    /// fingerprint changes; a transient one (a network error) is retried on the next run.</summary>
    public bool Permanent { get; set; }
}

internal sealed class JournalEntry
{
    public string Stage { get; set; } = "";

    public string Item { get; set; } = "";

    public ItemRecord? Record { get; set; }
}

/// <summary>Only the format number, read first to choose the shape of the rest.</summary>
internal sealed class LockFormat
{
    public int Format { get; set; } = 1;
}

/// <summary>Format 1: every item's record inline in the lock file.</summary>
internal sealed class LockDocumentFormat1
{
    public SortedDictionary<string, StageRecordFormat1> Stages { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class StageRecordFormat1
{
    public int Version { get; set; }

    public SortedDictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);

    public string? Fingerprint { get; set; }

    public SortedDictionary<string, string>? Inputs { get; set; }

    public SortedDictionary<string, string>? Outputs { get; set; }

    public SortedDictionary<string, ItemRecord>? Items { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LockDocument))]
[JsonSerializable(typeof(LockFormat))]
[JsonSerializable(typeof(LockDocumentFormat1))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class EngineJsonContext : JsonSerializerContext;

[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
