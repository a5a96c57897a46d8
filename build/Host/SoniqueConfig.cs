using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Sonique.Build.Host;

/// <summary>
/// A profile: everything a user can set, with the embedded default's values. Read from YAML with
/// snake_case keys; an unknown key is an error that names the file, line and key, never silently ignored.
/// </summary>
public sealed class SoniqueConfig
{
    /// <summary>Items of a per-item stage run at once (the command line's --jobs wins).</summary>
    public int? Jobs { get; set; }

    public static SoniqueConfig Load(string? path)
    {
        if (path is null)
        {
            return new SoniqueConfig();
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The config profile '{path}' does not exist.", path);
        }

        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        try
        {
            return deserializer.Deserialize<SoniqueConfig?>(File.ReadAllText(path)) ?? new SoniqueConfig();
        }
        catch (YamlException e)
        {
            var problem = e.InnerException?.Message ?? e.Message;
            throw new InvalidDataException($"The config profile '{path}', line {e.Start.Line}: {problem}", e);
        }
    }
}
