namespace Sonique.Ingest.Download;

/// <summary>
/// A clip that cannot be fetched or trimmed: refused, unavailable, corrupt, too short, or out of reach over the
/// network. The message is the reason as a user reads it; only this clip is concerned.
/// </summary>
public sealed class ClipDownloadException(string reason, bool permanent = true, Exception? inner = null) : Exception(reason, inner)
{
    /// <summary>Whether trying again with the same inputs is pointless (a removed video, a corrupt file) or may succeed
    /// (a server error, a network that is down).</summary>
    public bool Permanent { get; } = permanent;
}
