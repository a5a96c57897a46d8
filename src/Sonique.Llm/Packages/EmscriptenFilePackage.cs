using System.Text.Json;

namespace Sonique.Llm.Packages;

/// <summary>
/// A bundle made by Emscripten's file packager: one <c>.data</c> file of concatenated files, and in the generated
/// JavaScript a <c>loadPackage({"files": [{"filename", "start", "end"}, ...]})</c> call that says where each lies.
/// </summary>
public sealed class EmscriptenFilePackage
{
    private const string Call = "loadPackage(";

    private readonly Dictionary<string, (int Start, int End)> _files;

    private EmscriptenFilePackage(Dictionary<string, (int Start, int End)> files) => _files = files;

    public IReadOnlyCollection<string> FileNames => _files.Keys;

    /// <summary>Reads the manifest out of the loader script.</summary>
    public static EmscriptenFilePackage FromLoader(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var at = script.IndexOf(Call, StringComparison.Ordinal);
        while (at >= 0 && at + Call.Length < script.Length && script[at + Call.Length] != '{')
        {
            at = script.IndexOf(Call, at + 1, StringComparison.Ordinal);
        }

        if (at < 0)
        {
            throw new InvalidDataException("the script has no Emscripten file-package manifest (loadPackage({...}))");
        }

        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(script[(at + Call.Length)..]), new JsonReaderOptions { AllowTrailingCommas = true });
        using var manifest = JsonDocument.ParseValue(ref reader);
        var files = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        foreach (var file in manifest.RootElement.GetProperty("files").EnumerateArray())
        {
            files[file.GetProperty("filename").GetString() ?? string.Empty] = (file.GetProperty("start").GetInt32(), file.GetProperty("end").GetInt32());
        }

        return new EmscriptenFilePackage(files);
    }

    /// <summary>One packaged file's bytes out of the bundle.</summary>
    public ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> data, string fileName)
    {
        if (!_files.TryGetValue(fileName, out var range))
        {
            throw new FileNotFoundException($"the Emscripten package has no '{fileName}' (it has {string.Join(", ", _files.Keys)})");
        }

        if (range.Start < 0 || range.End < range.Start || range.End > data.Length)
        {
            throw new InvalidDataException($"the Emscripten package places '{fileName}' at bytes {range.Start}..{range.End}, outside its {data.Length}-byte data file");
        }

        return data[range.Start..range.End];
    }
}
