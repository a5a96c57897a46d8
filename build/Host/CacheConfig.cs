using Sonique.Engine;

namespace Sonique.Build.Host;

/// <summary>The cache: how outputs and their copies in the content store share the disk.</summary>
public sealed class CacheConfig
{
    [Setting("how an output and its copy in `cache/store/` share the disk. `reflink`: a copy-on-write clone (btrfs, XFS), one copy of the bytes; `hardlink`: one file under both names, made read-only, so an editor or tool that writes a new file leaves the stored copy alone (a write in place by root reaches it, and the next restore's hash check catches it: the item is recomputed); `copy`: two copies. `auto` takes the first of these the file system allows; one named that it cannot make stops the run, saying why")]
    [NotInCacheKey("how outputs are kept on disk, not what they hold")]
    public CacheLinkType Type { get; set; } = CacheLinkType.Auto;
}
