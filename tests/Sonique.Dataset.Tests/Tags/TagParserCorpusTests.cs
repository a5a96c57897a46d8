using Sonique.Dataset.Tags;

namespace Sonique.Dataset.Tests.Tags;

public sealed class TagParserCorpusTests
{
    public static TheoryData<string> Names => new(AnswerCorpus.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Answer_parses_to_exactly_the_expected_tags_tempo_and_form(string name)
    {
        var answer = AnswerCorpus.All.Single(c => c.Name == name);

        var parsed = TagParser.Parse(answer.Answer);

        Assert.Equal(answer.Expected, parsed);
        Assert.Equal(answer.Expected.Form != TagAnswerForm.Unparseable, parsed.IsParsed);
    }

    [Fact]
    public void Corpus_has_at_least_40_answers_with_unique_names_and_every_form()
    {
        Assert.True(AnswerCorpus.All.Count >= 40, $"only {AnswerCorpus.All.Count} answers");
        Assert.Equal(AnswerCorpus.All.Count, AnswerCorpus.All.Select(c => c.Name).Distinct().Count());
        Assert.Equal(Enum.GetValues<TagAnswerForm>().Order(), AnswerCorpus.All.Select(c => c.Expected.Form).Distinct().Order());
        Assert.True(AnswerCorpus.All.Count(c => c.Name.StartsWith("stories15M", StringComparison.Ordinal)) >= 3);
    }

    [Fact]
    public void Parsed_answers_always_have_tags_and_the_tempo_tag_is_last()
    {
        foreach (var answer in AnswerCorpus.All.Where(c => c.Expected.IsParsed))
        {
            var parsed = TagParser.Parse(answer.Answer);
            Assert.NotEmpty(parsed.Tags);
            if (parsed.TempoBpm is { } bpm)
            {
                Assert.Equal($"{bpm} BPM", parsed.Tags[^1]);
            }

            Assert.Equal(parsed.TempoBpm is null ? 0 : 1, parsed.Tags.Count(t => t.EndsWith(" BPM", StringComparison.Ordinal)));
        }
    }
}
