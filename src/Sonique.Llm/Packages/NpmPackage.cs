using System.Security.Cryptography;

namespace Sonique.Llm.Packages;

/// <summary>
/// A pinned npm package: its name, exact version and the registry's <c>dist.integrity</c> (a Subresource Integrity
/// string, "sha512-" and base64). The tarball is accepted only when its bytes hash to it.
/// </summary>
public sealed record NpmPackage(string Name, string Version, string Integrity)
{
    /// <summary>The tarball's address in a registry, as npm builds it (a scope's slash stays in the name's path).</summary>
    public Uri TarballUri(Uri registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var bare = Name.Contains('/', StringComparison.Ordinal) ? Name[(Name.IndexOf('/', StringComparison.Ordinal) + 1)..] : Name;
        var root = registry.AbsoluteUri.EndsWith('/') ? registry : new Uri(registry.AbsoluteUri + "/");
        return new Uri(root, $"{Name}/-/{bare}-{Version}.tgz");
    }

    public string FileName => $"{Name.Replace('/', '-').TrimStart('@')}-{Version}.tgz";

    /// <summary>True when <paramref name="sha512"/> is the digest the integrity string names.</summary>
    public bool Matches(ReadOnlySpan<byte> sha512)
    {
        const string prefix = "sha512-";
        if (!Integrity.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the pinned integrity of {Name}@{Version} is not a sha512 one: {Integrity}");
        }

        return CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(Integrity[prefix.Length..]), sha512);
    }
}
