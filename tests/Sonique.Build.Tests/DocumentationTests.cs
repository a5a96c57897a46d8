using System.Text.RegularExpressions;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests;

/// <summary>The README and the docs are read on GitHub and in a clone: every relative link must lead to a file of the
/// repository, never to a sibling folder of the checkout or to a file that was moved.</summary>
public sealed partial class DocumentationTests
{
    [Fact]
    public void Every_relative_link_in_the_readme_and_the_docs_resolves_inside_the_repository()
    {
        var root = RepositoryRoot.Path;

        var documents = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md"))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "bench"), "*.md"));
        var checkedLinks = 0;
        foreach (var document in documents)
        {
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(document)))
            {
                var target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, target));
                var name = Path.GetRelativePath(root, document);
                Assert.False(Path.GetRelativePath(root, full).StartsWith("..", StringComparison.Ordinal), $"{name} links outside the repository: {target}");
                Assert.True(File.Exists(full) || Directory.Exists(full), $"{name} links to {target}, which does not exist");
                checkedLinks++;
            }
        }

        Assert.True(checkedLinks > 0, "no relative link was found: the link pattern is broken");
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
