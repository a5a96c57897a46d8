namespace Sonique.Ingest.Sources;

/// <summary>Where clips come from; a profile lists any mix of these.</summary>
public abstract record CatalogSource
{
    /// <summary>The source's kind as the catalog's "source" column names it.</summary>
    public abstract string Kind { get; }
}

/// <summary>The built-in sample library: clips synthesised from a seed into a workspace folder.</summary>
public sealed record SampleLibrarySource(int Seed, int Count, double Seconds, string Folder) : CatalogSource
{
    public override string Kind => "samples";
}

/// <summary>A yt-dlp search ("ytsearch" by default, as the original searched YouTube for "music video").</summary>
public sealed record SearchSource(string Query, int Limit, string Prefix = "ytsearch") : CatalogSource
{
    public override string Kind => "search";
}

/// <summary>A playlist or a channel URL, listed through yt-dlp.</summary>
public sealed record PlaylistSource(string Url, int? Limit, bool IsChannel) : CatalogSource
{
    public override string Kind => IsChannel ? "channel" : "playlist";
}

/// <summary>A CSV in the original's Title,URL form (workspace-relative path).</summary>
public sealed record CsvSource(string Path) : CatalogSource
{
    public override string Kind => "csv";
}

/// <summary>A folder of media files inside the workspace, searched recursively.</summary>
public sealed record FolderSource(string Path) : CatalogSource
{
    public override string Kind => "folder";
}

/// <summary>Something a source offered that did not become a clip, and why.</summary>
public sealed record RejectedRow(string Source, string Where, string Value, string Reason);
