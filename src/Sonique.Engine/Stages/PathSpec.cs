using Microsoft.Extensions.FileSystemGlobbing;

namespace Sonique.Engine;

/// <summary>How a stage names files: 'a/b.txt' a file, 'a/' a folder, 'a/*.txt' or 'a/**/x' a glob.</summary>
internal static class PathSpec
{
    public static bool IsFolder(string spec) => spec.EndsWith('/');

    public static bool IsGlob(string spec) => spec.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>The files a spec names now, workspace-relative and sorted; a missing file or folder is an error.</summary>
    public static IEnumerable<string> Expand(Workspace workspace, string spec)
    {
        if (IsGlob(spec))
        {
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(spec);
            return matcher.GetResultsInFullPath(workspace.Root).Select(workspace.Relative);
        }

        var full = workspace.Resolve(spec);
        if (IsFolder(spec))
        {
            if (!Directory.Exists(full))
            {
                throw new FileNotFoundException($"input folder '{spec}' does not exist");
            }

            return FilesUnder(full).Select(workspace.Relative);
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"input '{spec}' does not exist");
        }

        return [spec];
    }

    public static IEnumerable<string> FilesUnder(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            : [];
}
