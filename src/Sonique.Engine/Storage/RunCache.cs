using System.Text.Json;
using Sonique.Engine.Hashing;
using Sonique.Files;

namespace Sonique.Engine;

/// <summary>
/// Maps a fingerprint to the outputs it produced. Any fingerprint seen before, on this machine or on
/// one sharing the store, is restored instead of recomputed.
/// </summary>
public sealed class RunCache(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    private string PathOf(ContentHash fingerprint)
    {
        var hex = fingerprint.ToString();
        return Path.Combine(Root, hex[..2], hex[2..] + ".json");
    }

    public SortedDictionary<string, string>? TryGet(ContentHash fingerprint)
    {
        var path = PathOf(fingerprint);
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, EngineJsonContext.Default.SortedDictionaryStringString);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // A damaged entry is as good as none: the work is redone and the entry rewritten.
            AtomicFile.TryDelete(path);
            return null;
        }
    }

    public void Put(ContentHash fingerprint, SortedDictionary<string, string> outputs) =>
        AtomicFile.Write(PathOf(fingerprint), stream => JsonSerializer.Serialize(stream, outputs, EngineJsonContext.Default.SortedDictionaryStringString));
}
