using Sonique.Dataset.Tags;

namespace Sonique.Dataset.Tests.Tags;

public sealed class TagAnswerTallyTests
{
    [Fact]
    public void Every_answer_is_counted_under_its_form_unparseable_ones_included()
    {
        var tally = new TagAnswerTally();
        foreach (var answer in new[] { "Piano, Pop, 90 BPM", "{'tags': ['Piano', 'Calm']}", "Once upon a time there was a girl.", "", "- Piano\n- Strings\n- Calm" })
        {
            tally.Add(TagParser.Parse(answer));
        }

        Assert.Equal(5, tally.Total);
        Assert.Equal(2, tally.Unparseable);
        Assert.Equal(3, tally.Parsed);
        Assert.Equal(1, tally[TagAnswerForm.CommaList]);
        Assert.Equal(1, tally[TagAnswerForm.Json]);
        Assert.Equal(1, tally[TagAnswerForm.List]);
        Assert.Equal(0, tally[TagAnswerForm.Prose]);
        Assert.Equal(Enum.GetValues<TagAnswerForm>(), tally.ByForm.Select(pair => pair.Key));
        Assert.Equal("5 answers: 1 CommaList, 1 Json, 1 List, 2 Unparseable", tally.ToString());
    }
}
