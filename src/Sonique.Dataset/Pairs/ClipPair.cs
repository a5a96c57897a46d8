using Sonique.Media.Clips;

namespace Sonique.Dataset.Pairs;

/// <summary>
/// One clip's scene description joined with its music tags: the unit the Pair stage splits, balances and writes.
/// </summary>
/// <param name="ClipId">The clip's id; it decides the clip's split and its place in every output, so it must be unique; the later stages find the clip by it.</param>
/// <param name="Description">The scene description, the user turn of the conversation.</param>
/// <param name="Tags">The assistant turn verbatim, in the original's form ("Piano, Calm, 117 BPM"): written as is, never rebuilt,
/// so the dataset carries exactly the text the tagger produced.</param>
/// <param name="TagList">The tags without the tempo, compared ordinally: what balancing and statistics count.</param>
/// <param name="TempoBpm">The tempo, when the tags have one: what the tempo bands and the histogram count.</param>
public sealed record ClipPair(ClipId ClipId, string Description, string Tags, IReadOnlyList<string> TagList, int? TempoBpm);
