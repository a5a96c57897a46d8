using System.Globalization;

namespace Sonique.Build.Host;

/// <summary>
/// Model files a user brings live outside the workspace and can be gigabytes: they enter a stage's parameters
/// by path, size and modification time rather than by content hash, so that replacing a model reruns the stage
/// without hashing 4 GB on every run.
/// </summary>
public static class ModelFiles
{
    public static IReadOnlyDictionary<string, string> Stamped(IReadOnlyDictionary<string, string> parameters, params string[] paths)
    {
        var stamped = new Dictionary<string, string>(parameters);
        for (var i = 0; i < paths.Length; i++)
        {
            var file = new FileInfo(paths[i]);
            stamped[$"model_file_{i}"] = file.Exists
                ? string.Create(CultureInfo.InvariantCulture, $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}")
                : $"{file.FullName}|missing";
        }

        return stamped;
    }
}
