using Sonique.Dataset.Pairs;
using Sonique.Dataset.Tags;

namespace Sonique.Llm.Generation;

/// <summary>
/// Scene description in, music tags out: the original's question (<see cref="ChatPrompt"/>) answered greedily by one
/// loaded model, and the answer parsed whatever form it took. The raw answer is always kept beside the tags, so an
/// answer the parser cannot read is still there to look at.
/// </summary>
public sealed class TagGenerator : IDisposable
{
    private readonly ChatGenerator _generator;

    private TagGenerator(ChatGenerator generator, TagPromptStyle style)
    {
        _generator = generator;
        Style = style;
    }

    public TagPromptStyle Style { get; }

    /// <summary>The chat template the model's prompts are rendered with.</summary>
    public ChatFormat Format => _generator.Format;

    /// <summary>Loads the model (and adapter) once; every later answer reuses them.</summary>
    public static async Task<TagGenerator> LoadAsync(ChatGeneratorOptions options, TagPromptStyle style, CancellationToken cancellationToken)
    {
        var generator = await ChatGenerator.LoadAsync(options, cancellationToken);
        return new TagGenerator(generator, style);
    }

    public async Task<GeneratedTags> GenerateAsync(string description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        var answer = await _generator.AnswerAsync(ChatPrompt.Question(description, Style), cancellationToken);
        return new GeneratedTags(answer, TagParser.Parse(answer.Text));
    }

    /// <summary>Tags for each description, in order; <paramref name="progress"/> hears the count done after each.</summary>
    public async Task<IReadOnlyList<GeneratedTags>> GenerateAllAsync(IReadOnlyList<string> descriptions, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptions);
        var results = new List<GeneratedTags>(descriptions.Count);
        foreach (var description in descriptions)
        {
            results.Add(await GenerateAsync(description, cancellationToken));
            progress?.Report(results.Count);
        }

        return results;
    }

    public void Dispose() => _generator.Dispose();
}

/// <summary>One generated answer and the tags read from it (<see cref="ParsedTags.Unparseable"/> when none could be).</summary>
public sealed record GeneratedTags(GeneratedAnswer Answer, ParsedTags Tags)
{
    public static TagAnswerTally Tally(IEnumerable<GeneratedTags> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var tally = new TagAnswerTally();
        foreach (var result in results)
        {
            tally.Add(result.Tags);
        }

        return tally;
    }
}
