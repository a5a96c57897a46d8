using System.Runtime.CompilerServices;
using Sonique.Analysis.Video.Features;
using Sonique.Ingest.Samples;
using Sonique.Media;
using Sonique.Tests.Shared;

namespace Sonique.Analysis.Tests.Features;

[Trait("Tier", "Tool")] // ffmpeg writes and decodes the sample videos
[Collection(SampleVideoReaders.Name)]
public sealed class FeatureDescriberTests(SampleVideoSet videos)
{
    private static readonly StrongBox<Task<List<(SampleClip Clip, string Text)>>?> Described = new();

    private readonly FeatureDescriber _describer = new(new Ffmpeg(), new FeatureDescriberOptions());

    [Fact]
    public async Task Clips_of_different_moods_get_different_descriptions()
    {
        var texts = await DescribeAllAsync();

        foreach (var (a, textA) in texts)
        {
            foreach (var (b, textB) in texts.Where(t => t.Clip.Mood != a.Mood))
            {
                Assert.NotEqual(textA, textB);
            }
        }

        // Not just different strings: the words that carry the mood (light and pace) differ between moods.
        Assert.True(texts.Select(t => Gist(t.Text)).Distinct().Count() >= 4, string.Join("\n", texts.Select(t => Gist(t.Text))));
    }

    [Fact]
    public async Task A_description_names_the_dominant_colour_from_the_clips_own_palette()
    {
        var palettes = MoodRule.All.ToDictionary(p => p.Mood, p => p.Palette.Select(c => c.Hex).ToList());
        foreach (var (clip, text) in await DescribeAllAsync())
        {
            var dominant = ColourNames.All.Where(name => text.Contains($"dominated by {name}.", StringComparison.Ordinal)).Single();

            var nearestMood = palettes.MinBy(p => p.Value.Min(hex => Distance(ColourNames.HexOf(dominant), hex))).Key;
            Assert.True(nearestMood == clip.Mood, $"{clip.Id} ({clip.Mood}): '{dominant}' is nearest the {nearestMood} palette\n{text}");
        }
    }

    [Fact]
    public async Task A_description_names_the_pace_that_the_clips_real_cuts_give()
    {
        foreach (var (clip, text) in await DescribeAllAsync())
        {
            var truth = new SceneFeatures { Colours = [], Brightness = 0, Saturation = 0, Motion = 0, Cuts = clip.CutTimes, Seconds = clip.Seconds };

            Assert.Contains($"The pace is {SceneWording.Pace(truth)}:", text, StringComparison.Ordinal);
        }

        Assert.All(await DescribeAllAsync(), t => Assert.Contains(
            t.Clip.Mood switch { Mood.Night => "The pace is slow", Mood.Party or Mood.Storm => "The pace is fast", _ => "The pace is " },
            t.Text,
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_clip_gets_the_same_description()
    {
        var (_, path) = videos.Clips[0];

        var first = await _describer.DescribeAsync(path, TestContext.Current.CancellationToken);
        var second = await _describer.DescribeAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Details, second.Details);
    }

    [Fact]
    public async Task A_file_that_is_not_video_fails_with_its_reason()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("junk.mp4");
        await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))], TestContext.Current.CancellationToken);

        var failure = await Assert.ThrowsAsync<ClipAnalysisException>(() => _describer.DescribeAsync(path, TestContext.Current.CancellationToken));

        Assert.StartsWith("video cannot be decoded", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Every clip of the set described once per run, two at a time: several tests read the same texts.</summary>
    private Task<List<(SampleClip Clip, string Text)>> DescribeAllAsync()
    {
        lock (Described)
        {
            return Described.Value ??= DescribeAsync(videos, _describer);
        }

        static async Task<List<(SampleClip Clip, string Text)>> DescribeAsync(SampleVideoSet videos, FeatureDescriber describer)
        {
            var texts = new (SampleClip, string)[videos.Clips.Count];
            await Parallel.ForAsync(0, texts.Length, async (i, ct) =>
                texts[i] = (videos.Clips[i].Clip, (await describer.DescribeAsync(videos.Clips[i].Path, ct)).Text));
            return [.. texts];
        }
    }

    private static string Gist(string text) =>
        string.Join(" ", text.Split(' ').Where(w => w is "dark" or "dim" or "softly" or "bright" or "slow:" or "moderate:" or "fast:"));

    private static double Distance(string hexA, string hexB)
    {
        static (int R, int G, int B) Rgb(string hex) => (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));
        var (a, b) = (Rgb(hexA), Rgb(hexB));
        return Math.Sqrt(Math.Pow(a.R - b.R, 2) + Math.Pow(a.G - b.G, 2) + Math.Pow(a.B - b.B, 2));
    }
}
