using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Sonique.Training;

/// <summary>
/// A training run's identity, which its checkpoints carry so that a run resumes only from its own: a digest of what
/// decides its result, files by their content. XXH3-128, as the engine's content hashes: it guards against
/// accidents, not adversaries, and reads a model of gigabytes at memory speed.
/// </summary>
internal static class RunIdentity
{
    public static string Of(IEnumerable<string> parts) =>
        Hex(XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(string.Join("\n", parts))));

    /// <summary>A file's content digest, as one part of an identity.</summary>
    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        var hasher = new XxHash128();
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await hasher.AppendAsync(stream, cancellationToken);
        return Hex(hasher.GetCurrentHashAsUInt128());
    }

    private static string Hex(UInt128 digest) => digest.ToString("x32", CultureInfo.InvariantCulture);
}
