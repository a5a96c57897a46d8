namespace Sonique.Dataset.Tags;

/// <summary>How many answers took each form: unparseable answers are counted here, never silently dropped, so a
/// model that stops producing lists shows up as a number rather than as a smaller test set.</summary>
public sealed class TagAnswerTally
{
    private readonly int[] _counts = new int[Enum.GetValues<TagAnswerForm>().Length];

    public int Total { get; private set; }

    public int Parsed => Total - Unparseable;

    public int Unparseable => this[TagAnswerForm.Unparseable];

    public int this[TagAnswerForm form] => _counts[(int)form];

    /// <summary>Every form with its count, zero counts included, in the enum's order.</summary>
    public IReadOnlyList<KeyValuePair<TagAnswerForm, int>> ByForm =>
        Enum.GetValues<TagAnswerForm>().Select(form => KeyValuePair.Create(form, this[form])).ToList();

    public void Add(ParsedTags tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        _counts[(int)tags.Form]++;
        Total++;
    }

    public override string ToString() =>
        $"{Total} answers: " + string.Join(", ", ByForm.Where(pair => pair.Value > 0).Select(pair => $"{pair.Value} {pair.Key}"));
}
