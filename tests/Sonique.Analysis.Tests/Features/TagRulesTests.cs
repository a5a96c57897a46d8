using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Features;
using Sonique.Media;
using Sonique.Media.Music;

namespace Sonique.Analysis.Tests.Features;

/// <summary>The rules name only what the features support: no pulse, no tempo or genre or percussion; no third,
/// no mode.</summary>
public sealed class TagRulesTests
{
    private static readonly string[] Genres = ["Ambient", "Ballad", "Acoustic", "Dance", "Funk", "Rock", "Electronic"];
    private static readonly string[] Percussion = ["Drums", "Soft Percussion", "Hi-Hats"];
    private static readonly string[] TempoBands = ["Slow Tempo", "Medium Tempo", "Fast Tempo"];

    private readonly FeatureTagger _tagger = new(new AudioReader(new Ffmpeg()), new FeatureTaggerOptions());

    [Theory]
    [InlineData(440, 0.5)]
    [InlineData(110, 0.3)]
    [InlineData(0, 0)]
    public void A_pure_tone_or_silence_gets_no_tempo_no_genre_and_no_percussion(double hertz, double amplitude)
    {
        const int Rate = FeatureTaggerOptions.SampleRate;
        var samples = new float[12 * Rate];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hertz * i / Rate));
        }

        var tags = _tagger.Tag(new MonoAudio(samples, Rate), TestContext.Current.CancellationToken);

        var said = $"{tags.Text} ({string.Join(", ", tags.Details.Select(d => $"{d.Key}={d.Value}"))})";
        Assert.True(tags.TempoBpm == 0, said);
        Assert.DoesNotContain("BPM", tags.Text, StringComparison.Ordinal);
        Assert.Empty(tags.Tags.Intersect([.. Genres, .. Percussion, .. TempoBands]));
    }

    [Fact]
    public void Audio_with_no_third_gets_no_mode_tag_and_moods_from_arousal_alone()
    {
        var features = new SoundFeatures
        {
            TempoBpm = 150,
            Key = new MusicalKey(2, Mode.Major),
            KeyStrength = 0.6,
            ThirdShare = 0.05,
            LoudnessDb = -14,
            DynamicsDb = 3,
            CentroidHertz = 900,
            Flatness = 0.01,
            BassShare = 0.4,
            HighShare = 0.02,
            OnsetsPerSecond = 6,
            Percussiveness = 0.3,
        };

        var withoutThird = TagRules.Tags(features);
        var withThird = TagRules.Tags(features with { ThirdShare = 0.6 });

        Assert.DoesNotContain("Major Key", withoutThird);
        Assert.DoesNotContain("Minor Key", withoutThird);
        Assert.DoesNotContain("Happy", withoutThird);
        Assert.Contains("Rock", withoutThird);
        Assert.Contains("Energetic", withoutThird);
        Assert.Contains("Fast Tempo", withoutThird);
        Assert.Contains("Major Key", withThird);
        Assert.Contains("Happy", withThird);
        Assert.DoesNotContain("Rock", withThird);
    }
}
