using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Features;
using Sonique.Ingest.Samples;
using Sonique.Media;
using Sonique.Media.Music;
using Sonique.Tests.Shared;

namespace Sonique.Analysis.Tests.Features;

[Trait("Tier", "Tool")] // ffmpeg decodes the sample library
[Collection(SampleMusicReaders.Name)]
public sealed class FeatureTaggerTests(SampleMusicSet music)
{
    private readonly FeatureTagger _tagger = new(new AudioReader(new Ffmpeg()), new FeatureTaggerOptions());

    [Fact]
    public async Task Tags_are_in_the_originals_form_ending_in_the_measured_tempo()
    {
        var (clip, path) = music.Clips[0];

        var tags = await _tagger.TagAsync(path, TestContext.Current.CancellationToken);

        Assert.Matches(@"^([A-Z][A-Za-z-]*( [A-Z][A-Za-z-]*)*, )+\d+ BPM$", tags.Text);
        Assert.EndsWith($", {clip.TempoBpm} BPM", tags.Text, StringComparison.Ordinal);
        Assert.InRange(tags.Tags.Count + 1, 2, 20);
        Assert.Equal(clip.Key.ToString(), tags.Details["key"]);
        Assert.Equal(2, tags.Chunks.Count);
    }

    [Fact]
    public async Task Each_mood_gets_its_own_tag_set_and_the_mode_it_was_written_in()
    {
        var byMood = new Dictionary<Mood, HashSet<string>>();
        foreach (var (clip, path) in music.Clips.GroupBy(c => c.Clip.Mood).SelectMany(g => g.Take(3)))
        {
            var tags = await _tagger.TagAsync(path, TestContext.Current.CancellationToken);
            Assert.Contains(clip.Key.Mode == Mode.Minor ? "Minor Key" : "Major Key", tags.Tags);
            byMood.TryAdd(clip.Mood, new HashSet<string>(StringComparer.Ordinal));
            byMood[clip.Mood].Add(string.Join(", ", tags.Tags));
        }

        foreach (var (mood, sets) in byMood)
        {
            foreach (var (other, otherSets) in byMood.Where(m => m.Key != mood))
            {
                Assert.False(sets.Overlaps(otherSets), $"{mood} and {other} share a tag set: {string.Join(" | ", sets.Intersect(otherSets))}");
            }
        }
    }

    [Fact]
    public async Task Max_tags_caps_the_list_tempo_included()
    {
        var tagger = new FeatureTagger(new AudioReader(new Ffmpeg()), new FeatureTaggerOptions { MaxTags = 4 });

        var tags = await tagger.TagAsync(music.Clips[0].Path, TestContext.Current.CancellationToken);

        Assert.Equal(4, tags.Text.Split(", ").Length);
    }

    [Fact]
    public async Task A_file_that_is_not_audio_fails_with_its_reason()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("junk.wav");
        await File.WriteAllTextAsync(path, "RIFF but not really a wave file at all", TestContext.Current.CancellationToken);

        var failure = await Assert.ThrowsAsync<ClipAnalysisException>(() => _tagger.TagAsync(path, TestContext.Current.CancellationToken));

        Assert.StartsWith("audio cannot be decoded", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compressed_audio_is_decoded_through_ffmpeg_to_the_same_tempo()
    {
        using var folder = new TempFolder();
        var (clip, wav) = music.Clips[1];
        var m4a = folder.PathOf("clip.m4a");
        await ExternalTool.RunAsync("ffmpeg", ["-v", "error", "-i", wav, "-c:a", "aac", "-b:a", "128k", m4a], TestContext.Current.CancellationToken);

        var tags = await _tagger.TagAsync(m4a, TestContext.Current.CancellationToken);

        Assert.Equal(clip.TempoBpm, tags.TempoBpm);
    }
}
