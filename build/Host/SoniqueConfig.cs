using System.Globalization;
using Sonique.Ingest.Download;
using Sonique.Ingest.Sources;
using Sonique.Media;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Sonique.Build.Host;

/// <summary>
/// A profile: everything a user can set, with the embedded default's values. Read from YAML with
/// snake_case keys; an unknown key or an invalid value is an error that names the file and the key,
/// never silently ignored.
/// </summary>
public sealed class SoniqueConfig
{
    /// <summary>Items of a per-item stage run at once (the command line's --jobs wins).</summary>
    public int? Jobs { get; set; }

    public ToolsConfig Tools { get; set; } = new();

    public CollectConfig Collect { get; set; } = new();

    public SamplesConfig Samples { get; set; } = new();

    public DownloadConfig Download { get; set; } = new();

    public DescribeVideoConfig DescribeVideo { get; set; } = new();

    public TagAudioConfig TagAudio { get; set; } = new();

    public BaseModelConfig BaseModel { get; set; } = new();

    public GenerateConfig Generate { get; set; } = new();

    public PairConfig Pair { get; set; } = new();

    /// <summary>"finetune" in the profile, as the stage is called on the command line (not "fine_tune").</summary>
    [YamlMember(Alias = "finetune")]
    public FineTuneConfig FineTune { get; set; } = new();

    public static SoniqueConfig Load(string? path)
    {
        if (path is null)
        {
            return new SoniqueConfig();
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The config profile '{path}' does not exist.", path);
        }

        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        var text = File.ReadAllText(path);
        SoniqueConfig config;
        try
        {
            RefuseDuplicateKeys(path, text);
            config = deserializer.Deserialize<SoniqueConfig?>(text) ?? new SoniqueConfig();
        }
        catch (YamlException e)
        {
            var problem = e.InnerException?.Message ?? e.Message;
            throw new InvalidDataException($"The config profile '{path}', line {e.Start.Line}: {problem}", e);
        }

        var problems = config.Problems().ToList();
        return problems.Count == 0
            ? config
            : throw new InvalidDataException($"The config profile '{path}': {string.Join("; ", problems)}");
    }

    /// <summary>
    /// YAML lets the last of two equal keys win silently, so a profile that sets download.seconds twice would run with
    /// whichever came last. Refused instead, naming the key and both lines, in every mapping however deep.
    /// </summary>
    private static void RefuseDuplicateKeys(string path, string text)
    {
        var parser = new Parser(new StringReader(text));
        // One entry per open collection: its dotted path; for a mapping, the line of each key so far, whether the next
        // node is a key and the last key read; for a sequence, the next index.
        var open = new Stack<(string Path, Dictionary<string, long>? Keys, bool ExpectKey, string LastKey, int Index)>();
        while (parser.MoveNext())
        {
            if (parser.Current is MappingEnd or SequenceEnd)
            {
                open.Pop();
                continue;
            }

            if (parser.Current is not NodeEvent node)
            {
                continue;
            }

            var nodePath = "";
            if (open.TryPop(out var parent))
            {
                if (parent.Keys is null)
                {
                    open.Push(parent with { Index = parent.Index + 1 });
                    nodePath = $"{parent.Path.TrimEnd('.')}[{parent.Index}].";
                }
                else if (!parent.ExpectKey)
                {
                    open.Push(parent with { ExpectKey = true });
                    nodePath = parent.Path + parent.LastKey + ".";
                }
                else if (node is Scalar key)
                {
                    if (parent.Keys.TryGetValue(key.Value, out var firstLine))
                    {
                        throw new InvalidDataException($"The config profile '{path}': the key '{parent.Path}{key.Value}' appears twice, on line {firstLine} and line {key.Start.Line}; remove one (YAML would silently keep the last).");
                    }

                    parent.Keys[key.Value] = key.Start.Line;
                    open.Push(parent with { ExpectKey = false, LastKey = key.Value });
                    continue;
                }
                else
                {
                    // A key that is itself a mapping or a sequence: no profile setting looks like that; its own keys are still checked.
                    open.Push(parent with { ExpectKey = false, LastKey = "?" });
                    nodePath = parent.Path + "?.";
                }
            }

            if (node is MappingStart)
            {
                open.Push((nodePath, new Dictionary<string, long>(StringComparer.Ordinal), ExpectKey: true, LastKey: "", Index: 0));
            }
            else if (node is SequenceStart)
            {
                open.Push((nodePath, null, ExpectKey: false, LastKey: "", Index: 0));
            }
        }
    }

    private IEnumerable<string> Problems()
    {
        foreach (var problem in NumberRange.Problems(("jobs", Jobs, 1, 1024)))
        {
            yield return problem;
        }

        foreach (var problem in Collect.Problems().Concat(Samples.Problems()).Concat(Download.Problems()).Concat(DescribeVideo.Problems()).Concat(TagAudio.Problems()).Concat(BaseModel.Problems()).Concat(Generate.Problems()).Concat(Pair.Problems()).Concat(FineTune.Problems()))
        {
            yield return problem;
        }
    }
}

/// <summary>Paths of the external tools; a bare name is looked up on the PATH.</summary>
public sealed class ToolsConfig
{
    /// <summary>ffmpeg.</summary>
    public string Ffmpeg { get; set; } = "ffmpeg";

    /// <summary>Unset: the ffprobe beside <see cref="Ffmpeg"/>.</summary>
    public string? Ffprobe { get; set; }

    /// <summary>A current yt-dlp matters for YouTube, which changes often; Debian's is old.</summary>
    public string YtDlp { get; set; } = "yt-dlp";

    public Ffmpeg CreateFfmpeg() => new(Ffmpeg, Ffprobe ?? Path.Combine(Path.GetDirectoryName(Ffmpeg) ?? string.Empty, "ffprobe"));

    public YtDlp CreateYtDlp() => new(YtDlp);
}

/// <summary>Where clips come from. With no sources listed, the built-in sample library is the one source.</summary>
public sealed class CollectConfig
{
    public List<SourceConfig>? Sources { get; set; }

    public IReadOnlyList<CatalogSource> ToSources(SamplesConfig samples, string samplesFolder) =>
        (Sources ?? [new SourceConfig { Samples = true }]).Select(s => s.ToSource(samples, samplesFolder)).ToList();

    internal IEnumerable<string> Problems() =>
        (Sources ?? []).SelectMany((s, i) => s.Problems().Select(p => $"collect.sources[{i}]: {p}"));
}

/// <summary>One source; exactly one of its kinds is set (limit goes with search, playlist and channel).</summary>
public sealed class SourceConfig
{
    public bool? Samples { get; set; }

    public string? Search { get; set; }

    public string? Playlist { get; set; }

    public string? Channel { get; set; }

    public string? Csv { get; set; }

    public string? Folder { get; set; }

    /// <summary>At most this many videos (30 for a search, as the original's page size; all for a playlist).</summary>
    public int? Limit { get; set; }

    internal CatalogSource ToSource(SamplesConfig samples, string samplesFolder) =>
        Search is not null ? new SearchSource(Search, Limit ?? 30)
        : Playlist is not null ? new PlaylistSource(Playlist, Limit, IsChannel: false)
        : Channel is not null ? new PlaylistSource(Channel, Limit, IsChannel: true)
        : Csv is not null ? new CsvSource(Csv)
        : Folder is not null ? new FolderSource(Folder)
        : new SampleLibrarySource(samples.Seed, samples.Count, samples.Seconds, samplesFolder);

    internal IEnumerable<string> Problems()
    {
        var kinds = new object?[] { Samples == true ? true : null, Search, Playlist, Channel, Csv, Folder }.Count(k => k is not null);
        if (kinds != 1)
        {
            yield return "set exactly one of samples, search, playlist, channel, csv, folder";
        }

        foreach (var problem in NumberRange.Problems(("limit", Limit, 1, 100_000)))
        {
            yield return problem;
        }

        if (Limit is not null && Search is null && Playlist is null && Channel is null)
        {
            yield return "limit applies only to search, playlist and channel";
        }
    }
}

/// <summary>The built-in sample library: its size is what keeps the default run within minutes on two cores.</summary>
public sealed class SamplesConfig
{
    /// <summary>The most clips a profile may ask for: each is synthesised, trimmed and analysed, minutes per hundred.</summary>
    public const int MaxCount = 100_000;

    public int Count { get; set; } = 200;

    public double Seconds { get; set; } = 16;

    public int Seed { get; set; } = 1;

    internal IEnumerable<string> Problems() => NumberRange.Problems(
        ("samples.count", Count, 1, MaxCount),
        ("samples.seconds", Seconds, 2, 600),
        ("samples.seed", Seed, 0, int.MaxValue));
}

public sealed class DownloadConfig
{
    /// <summary>Keep the first this many seconds of each clip (the original: 60).</summary>
    public double Seconds { get; set; } = 60;

    /// <summary>A clip shorter than this fails with "too short".</summary>
    public double MinSeconds { get; set; } = 5;

    /// <summary>auto, copy or reencode (see bench/RESULTS.md for the numbers behind auto).</summary>
    public string Mode { get; set; } = "auto";

    /// <summary>yt-dlp's -S format sort.</summary>
    public string FormatSort { get; set; } = "res:720,ext:mp4:m4a";

    public int Retries { get; set; } = 3;

    public double RetryDelaySeconds { get; set; } = 5;

    public DownloadOptions ToOptions() => new()
    {
        Length = TimeSpan.FromSeconds(Seconds),
        MinimumLength = TimeSpan.FromSeconds(MinSeconds),
        Mode = Enum.Parse<TrimMode>(Mode, ignoreCase: true),
        FormatSort = FormatSort,
        Retries = Retries,
        RetryDelay = TimeSpan.FromSeconds(RetryDelaySeconds),
    };

    /// <summary>The values a trimmed clip depends on (retries do not change what is written).</summary>
    public IReadOnlyDictionary<string, string> Parameters() => new Dictionary<string, string>
    {
        ["seconds"] = Seconds.ToString(CultureInfo.InvariantCulture),
        ["min_seconds"] = MinSeconds.ToString(CultureInfo.InvariantCulture),
        ["mode"] = Mode.ToLowerInvariant(),
        ["format_sort"] = FormatSort,
    };

    internal IEnumerable<string> Problems()
    {
        // A day: beyond that a clip is not a music video, and TimeSpan arithmetic on the length overflows long before 1e12 s.
        foreach (var problem in NumberRange.Problems(
            ("download.seconds", Seconds, 1, 86_400),
            ("download.min_seconds", MinSeconds, 0, Math.Min(Seconds, 86_400)),
            ("download.retries", Retries, 0, 20),
            ("download.retry_delay_seconds", RetryDelaySeconds, 0, 3_600)))
        {
            yield return problem;
        }

        if (!Enum.TryParse<TrimMode>(Mode, ignoreCase: true, out _) || int.TryParse(Mode, out _))
        {
            yield return $"download.mode '{Mode}' is not one of auto, copy, reencode";
        }

        if (FormatSort.StartsWith('-'))
        {
            yield return "download.format_sort must not start with '-'";
        }
    }
}
