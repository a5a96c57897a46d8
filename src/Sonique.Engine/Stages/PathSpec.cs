using System.IO.Enumeration;
using Microsoft.Extensions.FileSystemGlobbing;
using Sonique.Files;

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

            return InputFilesUnder(workspace, full).Select(workspace.Relative);
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"input '{spec}' does not exist");
        }

        return [spec];
    }

    /// <summary>
    /// The files of an input folder that a stage can open: symbolic links are followed only while their real target
    /// stays in the workspace (the folder's own included), each real folder is read once (a link loop ends), and an
    /// entry that cannot be opened by its name (a broken link, a name not valid in the file system's encoding) is
    /// left out. The stage that reads the folder sees those entries itself, and can report them.
    /// </summary>
    private static List<string> InputFilesUnder(Workspace workspace, string folder)
    {
        var files = new List<string>();
        if (!LeadsInside(workspace, folder))
        {
            return files;
        }

        var read = new HashSet<string>(StringComparer.Ordinal) { WorkspaceFolder.RealPath(folder) };
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var current))
        {
            foreach (var (path, isLink, isFolder) in Entries(current))
            {
                // Everything under a folder that really is inside is inside too, unless it is a link.
                if (isLink && !LeadsInside(workspace, path))
                {
                    continue;
                }

                // A name not valid in the file system's encoding reads back with U+FFFD and cannot be opened by it:
                // only such names, and links, need a look beyond the listing.
                var lookAgain = isLink || path.Contains('\uFFFD', StringComparison.Ordinal);
                if (lookAgain ? Directory.Exists(path) : isFolder)
                {
                    if (read.Add(WorkspaceFolder.RealPath(path)))
                    {
                        pending.Push(path);
                    }
                }
                else if (!lookAgain || File.Exists(isLink ? WorkspaceFolder.RealPath(path) : path))
                {
                    files.Add(path);
                }
            }
        }

        return files;
    }

    /// <summary>A folder's entries with what the listing itself says of each (its type, from the directory entry), so
    /// that a folder of 300,000 files costs no call per file beyond the listing; only links are looked at further.</summary>
    private static FileSystemEnumerable<(string Path, bool IsLink, bool IsFolder)> Entries(string folder) =>
        new(
            folder,
            (ref entry) => (entry.ToFullPath(), (entry.Attributes & FileAttributes.ReparsePoint) != 0, entry.IsDirectory),
            new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false });

    private static bool LeadsInside(Workspace workspace, string path)
    {
        try
        {
            return workspace.ResolvesInside(path);
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static IEnumerable<string> FilesUnder(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            : [];
}
