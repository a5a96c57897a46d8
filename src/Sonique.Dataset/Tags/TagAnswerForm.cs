namespace Sonique.Dataset.Tags;

/// <summary>The shape a model's answer took, so metrics can report which forms a model produces (and how
/// often it fails to produce any) separately from how good its tags are.</summary>
public enum TagAnswerForm
{
    /// <summary>A comma- or semicolon-separated list standing alone, possibly after a lead-in such as
    /// "Tags:" or "Here are the tags:" (the form of the dataset's own answers).</summary>
    CommaList,

    /// <summary>A JSON or Python literal: a dict with a tags key (doubled braces, single quotes and code fences
    /// allowed), or a bare list of quoted strings; truncated literals keep their complete items.</summary>
    Json,

    /// <summary>One tag (or a few) per line, as bullets ("-", "*", "•") or numbers ("1.", "1)"), or plain lines.</summary>
    List,

    /// <summary>A list found inside surrounding prose (sentences before or after that are not tags).</summary>
    Prose,

    /// <summary>No tag list could be found: the answer is empty, a story, or other prose; its tags are empty.</summary>
    Unparseable,
}
