namespace Sonique.Dataset.Tags;

/// <summary>Collects one answer's tags under the list rules (normalised, de-duplicated case-insensitively with the
/// first kept, one tempo placed last, at most <see cref="TagNormaliser.MaxTags"/>), so the normaliser's
/// <see cref="TagNormaliser.NormaliseAll"/> and every parser path build lists the same way.</summary>
internal sealed class TagListBuilder(bool skipPlaceholders)
{
    private readonly List<string> _tags = [];
    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);
    private int? _tempo;

    /// <summary>Tags (tempo excluded) kept so far.</summary>
    public int Count => _tags.Count;

    /// <summary>Adds one raw tag: the first tempo is remembered, later ones dropped; non-tags, duplicates,
    /// placeholders (when asked) and tags past the cap are dropped.</summary>
    public void Add(string raw)
    {
        if (_tags.Count >= TagNormaliser.MaxTags && _tempo is not null)
        {
            return;
        }

        if (TagNormaliser.Normalise(raw) is not { } tag)
        {
            return;
        }

        if (TagNormaliser.TempoOf(raw) is { } bpm)
        {
            _tempo ??= bpm;
            return;
        }
        if (_tags.Count >= TagNormaliser.MaxTags || (skipPlaceholders && TagNormaliser.IsPlaceholder(tag)))
        {
            return;
        }

        if (_seen.Add(tag))
        {
            _tags.Add(tag);
        }
    }

    /// <summary>The tempo found among the tags, else <paramref name="fallbackTempo"/>.</summary>
    public int? Tempo(int? fallbackTempo) => _tempo ?? fallbackTempo;

    /// <summary>The tags with the tempo (found among them, else <paramref name="fallbackTempo"/>) as a last
    /// "N BPM" tag, the list cut to <see cref="TagNormaliser.MaxTags"/> in all.</summary>
    public IReadOnlyList<string> Build(int? fallbackTempo)
    {
        var tempo = Tempo(fallbackTempo);
        var room = tempo is null ? TagNormaliser.MaxTags : TagNormaliser.MaxTags - 1;
        var tags = _tags.Take(room).ToList();
        if (tempo is { } bpm)
        {
            tags.Add(TagNormaliser.BpmTag(bpm));
        }

        return tags;
    }
}
