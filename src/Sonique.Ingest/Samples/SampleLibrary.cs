using Sonique.Media.Music;

namespace Sonique.Ingest.Samples;

/// <summary>
/// Plans the built-in sample library. Clip n is drawn from a generator seeded by (library seed, n) alone, and
/// its shots are drawn last, so a longer library keeps every clip of a shorter one, and changing the clip length
/// changes only the shots.
/// </summary>
public static class SampleLibrary
{
    /// <summary>Shot lengths are whole quarter seconds: a whole number of frames at 4, 12, 24 or 60 fps.</summary>
    public const double ShotQuantumSeconds = 0.25;

    private const double ColourJitter = 18;

    public static IReadOnlyList<SampleClip> Plan(int seed, int count, double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return [.. Enumerable.Range(1, count).Select(number => Clip(seed, number, seconds))];
    }

    /// <summary>Clip <paramref name="number"/>'s id, without planning the clip.</summary>
    public static string IdOf(int number) => $"sample-{number:0000}";

    /// <summary>The number of the clip with id <paramref name="id"/> (the inverse of <see cref="IdOf"/>).</summary>
    public static int NumberOf(string id) =>
        id.StartsWith("sample-", StringComparison.Ordinal) && int.TryParse(id.AsSpan(7), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= 1
            ? number
            : throw new ArgumentException($"'{id}' is not a sample library clip id.", nameof(id));

    public static SampleClip Clip(int seed, int number, double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        if (!double.IsFinite(seconds) || seconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "A clip lasts a positive, finite number of seconds.");
        }

        var clipSeed = SplitMix64.Mix(SplitMix64.Mix((ulong)(long)seed) ^ (ulong)number);
        var random = new SplitMix64(clipSeed);
        var mood = (Mood)random.Next(0, MoodRule.All.Count);
        var profile = MoodRule.Of(mood);
        var tempo = random.Next(profile.MinBpm, profile.MaxBpm + 1);
        var key = new MusicalKey(random.Next(0, 12), profile.Mode);
        var title = $"{random.Pick(profile.TitleFirstWords)} {random.Pick(profile.TitleSecondWords)}";
        var colours = Shuffled(profile.Palette, ref random).Take(3).ToArray();
        var moodWords = Shuffled(profile.MoodWords, ref random).Take(2);
        var shots = Shots(profile, colours, seconds, ref random);
        return new SampleClip
        {
            Id = IdOf(number),
            Number = number,
            Seed = clipSeed,
            Title = title,
            Mood = mood,
            TempoBpm = tempo,
            Key = key,
            Colours = colours,
            Shots = shots,
            Seconds = seconds,
            Tags = [profile.Genre, .. profile.Instruments, .. moodWords, key.Mode == Mode.Major ? "Major Key" : "Minor Key", $"{tempo} BPM"],
        };
    }

    private static SampleShot[] Shots(MoodProfile profile, NamedColour[] colours, double seconds, ref SplitMix64 random)
    {
        var minSteps = (int)Math.Round(profile.MinShotSeconds / ShotQuantumSeconds);
        var maxSteps = (int)Math.Round(profile.MaxShotSeconds / ShotQuantumSeconds);
        var shots = new List<SampleShot>();
        var start = 0.0;
        var previousType = -1;
        while (start < seconds)
        {
            var length = Math.Min(random.Next(minSteps, maxSteps + 1) * ShotQuantumSeconds, seconds - start);
            // A shot never repeats the one before's shape, so even two similar palettes cut visibly.
            var type = previousType < 0 ? random.Next(0, 4) : (previousType + random.Next(1, 4)) % 4;
            var count = random.Next(2, colours.Length + 1);
            var hexes = new string[count];
            var picked = Shuffled(colours, ref random);
            for (var c = 0; c < count; c++)
            {
                hexes[c] = Jittered(picked[c].Hex, ref random);
            }

            shots.Add(new SampleShot
            {
                StartSeconds = start,
                Seconds = length,
                Colours = hexes,
                GradientType = type,
                Seed = (uint)random.NextUInt64(),
                SpeedFactor = 0.8 + (random.Next(0, 9) * 0.05),
            });
            previousType = type;
            start += length;
        }

        return [.. shots];
    }

    private static List<T> Shuffled<T>(IReadOnlyList<T> items, ref SplitMix64 random)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(0, i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }

        return list;
    }

    /// <summary>Moves each channel a little, so no two shots share exact colours but all stay in the family.</summary>
    private static string Jittered(string hex, ref SplitMix64 random)
    {
        var value = Convert.ToInt32(hex[1..], 16);
        Span<int> channels = [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF];
        var offset = (int)Math.Round(random.NextSigned() * ColourJitter);
        for (var c = 0; c < 3; c++)
        {
            channels[c] = Math.Clamp(channels[c] + offset + random.Next(-4, 5), 0, 255);
        }

        return $"#{channels[0]:X2}{channels[1]:X2}{channels[2]:X2}";
    }
}
