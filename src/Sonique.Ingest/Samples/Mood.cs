namespace Sonique.Ingest.Samples;

/// <summary>The six moods of the sample library; <see cref="MoodRule"/> says what each one looks and sounds like.</summary>
public enum Mood
{
    Night,
    Dawn,
    Nature,
    City,
    Party,
    Storm,
}
