namespace Sonique.Dataset.Tags;

/// <summary>What <see cref="TagParser.Parse"/> made of one answer: the normalised tags (with the tempo, when one
/// was found, as a last "N BPM" tag, so they compare directly with normalised reference tags), the tempo as a
/// number for tempo metrics, and the form the answer took.</summary>
/// <param name="Tags">Normalised, de-duplicated tags; empty when <paramref name="Form"/> is
/// <see cref="TagAnswerForm.Unparseable"/>.</param>
/// <param name="TempoBpm">The tempo found in a tag or in the prose around the list, or null.</param>
/// <param name="Form">The shape of the answer.</param>
public sealed record ParsedTags(IReadOnlyList<string> Tags, int? TempoBpm, TagAnswerForm Form)
{
    /// <summary>The result for an answer in which no tag list was found.</summary>
    public static ParsedTags Unparseable { get; } = new([], null, TagAnswerForm.Unparseable);

    /// <summary>Whether a tag list was found; a parsed answer always has at least one tag.</summary>
    public bool IsParsed => Form != TagAnswerForm.Unparseable;

    /// <summary>Value equality over the tag sequence too (a record compares lists by reference), so results
    /// and expectations compare directly.</summary>
    public bool Equals(ParsedTags? other) =>
        other is not null && TempoBpm == other.TempoBpm && Form == other.Form && Tags.SequenceEqual(other.Tags, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(TempoBpm);
        hash.Add(Form);
        foreach (var tag in Tags)
        {
            hash.Add(tag, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The form, tempo and tags on one line, readable in test failures and logs.</summary>
    public override string ToString() =>
        $"{Form} (tempo {(TempoBpm is { } bpm ? bpm.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}): [{string.Join(" | ", Tags)}]";
}
