using Sonique.Dataset.Tags;

namespace Sonique.Dataset.Tests.Tags;

public sealed class TagNormaliserTests
{
    [Theory]
    [InlineData("Piano", "Piano")]
    [InlineData("  piano  ", "Piano")]
    [InlineData("groovy   bass", "Groovy Bass")]
    [InlineData("groovy\tbass\nline", "Groovy Bass Line")]
    public void Trims_collapses_whitespace_and_capitalises_each_word(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("hip-hop", "Hip-Hop")]
    [InlineData("lo-fi", "Lo-Fi")]
    [InlineData("LO-FI HIP-HOP", "Lo-Fi Hip-Hop")]
    [InlineData("rock/pop", "Rock/Pop")]
    [InlineData("drum & bass", "Drum & Bass")]
    [InlineData("children's music", "Children's Music")]
    [InlineData("sYnThWaVe", "Synthwave")]
    public void Capitalises_the_parts_of_joined_words(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("EDM", "EDM")]
    [InlineData("R&B", "R&B")]
    [InlineData("DJ", "DJ")]
    [InlineData("JAZZ", "JAZZ")]
    [InlineData("Synthwave EDM", "Synthwave EDM")]
    [InlineData("UK garage", "UK Garage")]
    [InlineData("A", "A")]
    public void Keeps_short_all_capital_words(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("edm", "EDM")]
    [InlineData("r&b", "R&B")]
    [InlineData("dj set", "DJ Set")]
    [InlineData("Midi Keys", "MIDI Keys")]
    public void Writes_known_acronyms_in_capitals(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("HEAVY BASS", "Heavy Bass")]
    [InlineData("SYNTHWAVE", "Synthwave")]
    [InlineData("R&B SOUL", "R&B Soul")]
    [InlineData("EDM POP", "EDM Pop")]
    public void Lowers_a_shouted_tag_but_not_its_acronyms(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("80S", "80s")]
    [InlineData("80s", "80s")]
    [InlineData("8-Bit", "8-bit")]
    [InlineData("1980S Synth", "1980s Synth")]
    [InlineData("TR-808", "tr-808")]
    public void Lower_cases_words_with_digits(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("\"Piano\"", "Piano")]
    [InlineData("'Piano',", "Piano")]
    [InlineData("“Piano”", "Piano")]
    [InlineData("[Piano]", "Piano")]
    [InlineData("(Live)", "Live")]
    [InlineData("{{'Piano'}}", "Piano")]
    [InlineData("**Piano**", "Piano")]
    [InlineData("`Piano`", "Piano")]
    [InlineData("- Piano", "Piano")]
    [InlineData("* Piano", "Piano")]
    [InlineData("• Piano", "Piano")]
    [InlineData("1. Piano", "Piano")]
    [InlineData("12) Piano", "Piano")]
    [InlineData("#lofi", "Lofi")]
    [InlineData("Piano.", "Piano")]
    [InlineData("Piano...", "Piano")]
    [InlineData("Piano;", "Piano")]
    [InlineData("Piano:", "Piano")]
    [InlineData("🎹 Piano", "Piano")]
    public void Strips_quotes_brackets_bullets_numbering_and_trailing_punctuation(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("Rock (Alternative)", "Rock (Alternative)")]
    [InlineData("Rock (Alternative", "Rock (Alternative")]
    [InlineData("2.5D Pop", "2.5d Pop")]
    [InlineData("8-bit", "8-bit")]
    [InlineData("Jazz-", "Jazz")]
    public void Keeps_brackets_and_digits_that_belong_to_the_tag(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("136 bpm", "136 BPM")]
    [InlineData("136BPM", "136 BPM")]
    [InlineData("BPM: 136", "136 BPM")]
    [InlineData("Tempo 136 BPM", "136 BPM")]
    [InlineData("120-130 bpm", "125 BPM")]
    [InlineData("- 90 bpm.", "90 BPM")]
    public void Writes_a_tempo_as_N_BPM(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("Fast Tempo", "Fast Tempo")]
    [InlineData("slow tempo", "Slow Tempo")]
    [InlineData("Mid-Tempo", "Mid-Tempo")]
    public void Tempo_words_are_ordinary_tags(string tag, string expected) =>
        Assert.Equal(expected, TagNormaliser.Normalise(tag));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!!")]
    [InlineData("- ")]
    [InlineData("\"\"")]
    [InlineData("[]")]
    [InlineData("\u0000\u0007")]
    [InlineData("one two three four five six seven")]
    [InlineData("It was fun. Really fun")]
    [InlineData("Wow! Great")]
    [InlineData("Energetic!")]
    [InlineData("Is it jazz?")]
    [InlineData("Piano, Drums")]
    [InlineData("Piano; Drums")]
    public void Returns_null_for_what_is_not_a_tag(string tag) =>
        Assert.Null(TagNormaliser.Normalise(tag));

    [Fact]
    public void Six_words_and_sixty_characters_are_the_limits()
    {
        Assert.Equal("One Two Three Four Five Six", TagNormaliser.Normalise("one two three four five six"));
        var sixty = new string('x', 60);
        Assert.Equal("X" + new string('x', 59), TagNormaliser.Normalise(sixty));
        Assert.Null(TagNormaliser.Normalise(sixty + "x"));
    }

    [Fact]
    public void Control_characters_and_broken_surrogates_are_removed()
    {
        Assert.Equal("Piano", TagNormaliser.Normalise("Pia\u0000no"));
        Assert.Equal("Piano", TagNormaliser.Normalise("Pia\uD800no"));
        Assert.Equal("Piano", TagNormaliser.Normalise("\u200BPiano\uFEFF"));
        Assert.Equal("Piano", TagNormaliser.Normalise("\u001b[1mPiano\u001b[0m"));
    }

    [Fact]
    public void Normalising_twice_changes_nothing()
    {
        foreach (var tag in new[] { "groovy bass", "HEAVY BASS", "r&b", "8-Bit", "136bpm", "Rock (Alternative)", "EDM POP", "Children's Music" })
        {
            var once = TagNormaliser.Normalise(tag)!;
            Assert.Equal(once, TagNormaliser.Normalise(once));
        }
    }

    [Fact]
    public void NormaliseAll_splits_normalises_and_places_the_tempo_last()
    {
        Assert.Equal(
            ["Synthwave", "Heavy Bass", "Drums", "Energetic", "Minor Key", "Fast Tempo", "128 BPM"],
            TagNormaliser.NormaliseAll(["Synthwave, 128 BPM, Heavy Bass, Drums; Energetic", "minor key", "Fast Tempo"]));
    }

    [Fact]
    public void NormaliseAll_keeps_the_first_of_case_insensitive_duplicates_and_the_first_tempo()
    {
        Assert.Equal(
            ["Hip-Hop", "Drums", "90 BPM"],
            TagNormaliser.NormaliseAll(["hip-hop", "90 bpm", "HIP-HOP", "Drums", "Tempo 120 BPM", "drums", "Hip-Hop"]));
    }

    [Fact]
    public void NormaliseAll_drops_non_tags_and_null_entries()
    {
        Assert.Equal(
            ["Piano", "Jazz"],
            TagNormaliser.NormaliseAll(["Piano", "", "   ", null!, "She went to the park. It was fun", "!!!", "Jazz"]));
    }

    [Fact]
    public void NormaliseAll_keeps_at_most_64_tags_with_the_tempo_among_them()
    {
        var many = Enumerable.Range(1, 100).Select(i => $"Style {i}").ToList();

        Assert.Equal(many.Take(64), TagNormaliser.NormaliseAll(many));
        Assert.Equal([.. many.Take(63), "100 BPM"], TagNormaliser.NormaliseAll([.. many, "100 BPM"]));
    }

    [Fact]
    public void NormaliseAll_of_nothing_is_empty()
    {
        Assert.Empty(TagNormaliser.NormaliseAll([]));
    }

    [Theory]
    [InlineData("136 bpm", 136)]
    [InlineData("136BPM", 136)]
    [InlineData("136 BPM", 136)]
    [InlineData("BPM: 136", 136)]
    [InlineData("BPM 136", 136)]
    [InlineData("bpm=136", 136)]
    [InlineData("Tempo 136 BPM", 136)]
    [InlineData("Tempo: 136 BPM", 136)]
    [InlineData("Tempo: 136", 136)]
    [InlineData("tempo of 136 bpm", 136)]
    [InlineData("136 beats per minute", 136)]
    [InlineData("136 beats/min", 136)]
    [InlineData("~120 BPM", 120)]
    [InlineData("around 120 bpm", 120)]
    [InlineData("approx. 120 BPM", 120)]
    [InlineData("(128 BPM)", 128)]
    [InlineData("- 128 bpm", 128)]
    [InlineData("'128 BPM'", 128)]
    [InlineData("120-130 BPM", 125)]
    [InlineData("120 - 130 bpm", 125)]
    [InlineData("120–130 BPM", 125)]
    [InlineData("120 to 130 BPM", 125)]
    [InlineData("between 80 and 100 BPM", 90)]
    [InlineData("120-125 BPM", 123)]
    [InlineData("Tempo: 90-100", 95)]
    [InlineData("120.5 BPM", 121)]
    [InlineData("20 BPM", 20)]
    [InlineData("400 BPM", 400)]
    public void TempoOf_reads_tempo_tags(string tag, int expected) =>
        Assert.Equal(expected, TagNormaliser.TempoOf(tag));

    [Theory]
    [InlineData("")]
    [InlineData("BPM")]
    [InlineData("136")]
    [InlineData("80s")]
    [InlineData("Fast Tempo")]
    [InlineData("Tempo")]
    [InlineData("19 BPM")]
    [InlineData("401 BPM")]
    [InlineData("10-130 BPM")]
    [InlineData("120-500 BPM")]
    [InlineData("99999999999999999999 BPM")]
    [InlineData("136 bpm groove")]
    [InlineData("Slow 70 BPM Groove")]
    [InlineData("4/4 time")]
    [InlineData("1990s")]
    [InlineData("80 and 100 BPM")]
    public void TempoOf_is_null_for_anything_else(string tag) =>
        Assert.Null(TagNormaliser.TempoOf(tag));

    [Fact]
    public void TempoOf_survives_long_and_hostile_text()
    {
        Assert.Null(TagNormaliser.TempoOf(new string('1', 100_000) + " BPM"));
        Assert.Null(TagNormaliser.TempoOf(string.Concat(Enumerable.Repeat("BPM ", 10_000))));
        Assert.Null(TagNormaliser.TempoOf(null!));
    }
}
