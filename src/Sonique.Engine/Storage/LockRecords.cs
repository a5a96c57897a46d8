using System.Text.Json.Serialization;

namespace Sonique.Engine;

/// <summary>The lock file's content: what every stage and item last produced, and from what.</summary>
public sealed class LockDocument
{
    public int Format { get; set; } = 1;

    public SortedDictionary<string, StageRecord> Stages { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One stage's entry. A unit stage fills in its own fingerprint, inputs and outputs; a per-item
/// stage fills in <see cref="Items"/>.</summary>
public sealed class StageRecord
{
    public int Version { get; set; }

    public SortedDictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);

    public string? Fingerprint { get; set; }

    public SortedDictionary<string, string>? Inputs { get; set; }

    public SortedDictionary<string, string>? Outputs { get; set; }

    public SortedDictionary<string, ItemRecord>? Items { get; set; }
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

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LockDocument))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class EngineJsonContext : JsonSerializerContext;

[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
