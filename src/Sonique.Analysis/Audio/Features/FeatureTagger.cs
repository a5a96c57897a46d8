namespace Sonique.Analysis.Audio.Features;

/// <summary>
/// The `features` TagAudio backend: measures each chunk, words it with <see cref="TagRules"/>, and keeps the
/// tags that at least half of the chunks agree on, as the original merged its per-chunk captions. Tempo and
/// key come from the whole track, where there are the most beats to measure them on.
/// </summary>
public sealed class FeatureTagger(AudioReader reader, FeatureTaggerOptions options) : IAudioTagger
{
    public string Name => "features";

    public async Task<AudioTags> TagAsync(string audioPath, CancellationToken cancellationToken)
    {
        var audio = await reader.ReadAsync(audioPath, FeatureTaggerOptions.SampleRate, cancellationToken);
        return Tag(audio, cancellationToken);
    }

    public AudioTags Tag(MonoAudio audio, CancellationToken cancellationToken)
    {
        var (track, chunks) = SoundAnalyser.Analyse(audio, options.ChunkSeconds, cancellationToken);
        var chunkTags = chunks
            .Select(TagRules.Tags)
            .ToList();

        // Rule order is kept: a tag's place says what kind of tag it is, and ties never depend on hashing.
        var order = chunkTags.SelectMany(t => t).Distinct(StringComparer.Ordinal).ToList();
        var agreed = order
            .Where(tag => 2 * chunkTags.Count(t => t.Contains(tag)) >= chunkTags.Count)
            .Take(AudioTags.BesideTempo(options.MaxTags))
            .ToList();

        return new AudioTags
        {
            Tags = agreed,
            TempoBpm = (int)Math.Round(track.TempoBpm),
            Details = track.ToDetails(),
            Chunks = chunkTags,
        };
    }
}
