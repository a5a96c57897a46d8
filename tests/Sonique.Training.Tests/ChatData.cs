using Sonique.Dataset.Pairs;
using Sonique.Media.Clips;

namespace Sonique.Training.Tests;

/// <summary>A small chat dataset in the original's JSONL, written by Pair's own writer: scene descriptions whose
/// mood decides the tags, as the embedded default's library does.</summary>
internal static class ChatData
{
    private static readonly (string Scene, string Tags)[] Moods =
    [
        ("A dark scene in deep blue, slow and still.", "Ambient, Soft Percussion, Calm, Minor Key, 70 BPM"),
        ("A bright scene in warm yellow, fast cuts.", "Dance, Electronic, Drums, Energetic, Major Key, 128 BPM"),
        ("A soft scene in pale green, steady motion.", "Acoustic, Bass, Relaxed, Major Key, 96 BPM"),
    ];

    public static async Task<string> WriteAsync(string path, int count, int offset = 0)
    {
        var pairs = Enumerable.Range(offset, count).Select(i =>
        {
            var (scene, tags) = Moods[i % Moods.Length];
            return new ClipPair(ClipId.Parse($"clip-{i}"), $"{scene} Shot {i}.", tags, tags.Split(", ")[..^1], int.Parse(tags.Split(", ")[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        });
        await ChatJsonl.WriteAsync(path, pairs, CancellationToken.None);
        return path;
    }
}
