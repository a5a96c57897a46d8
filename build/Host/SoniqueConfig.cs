using Sonique.Engine;
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
    [Setting("items of a per-item stage processed in parallel (the command line's `--jobs` wins)", Min = 1, Max = 1024, Unset = "number of cores", Example = "2")]
    [NotInCacheKey("how many items run at once, not what each one makes")]
    public int? Jobs { get; set; }

    [NotInCacheKey("where a tool lives, not what the stages ask of it")]
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

    [NotInCacheKey("where and how results are kept, not what they are")]
    public CacheConfig Cache { get; set; } = new();

    [Setting("where per-item stages run: `local` (this machine, `jobs` at a time) or `slurm` (job arrays on a Slurm cluster, `slurm.*`, submitted from a login node with the workspace on the cluster's shared filesystem; a unit stage runs on the login node or as a job of its own, `slurm.on_login_node`). The command line's `--executor` wins")]
    [NotInCacheKey("where items run, not what they make: a cluster's outputs and lock are byte-identical to a local run's")]
    public ExecutorKind Executor { get; set; } = ExecutorKind.Local;

    [NotInCacheKey("what the cluster's jobs ask for, not what they make")]
    public SlurmConfig Slurm { get; set; } = new();

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

        var enums = new ProfileEnumConverter();
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).WithTypeConverter(enums).Build();
        var text = File.ReadAllText(path);
        SoniqueConfig config;
        var problems = new List<string>();
        try
        {
            var keys = KeysByPosition(path, text);
            config = deserializer.Deserialize<SoniqueConfig?>(text) ?? new SoniqueConfig();
            problems.AddRange(enums.Problems.Select(p => $"{keys.GetValueOrDefault(p.Position, "?")} {p.Problem}"));
        }
        catch (YamlException e)
        {
            var problem = e.InnerException?.Message ?? e.Message;
            throw new InvalidDataException($"The config profile '{path}', line {e.Start.Line}: {problem}", e);
        }

        problems.AddRange(config.Problems());
        return problems.Count == 0
            ? config
            : throw new InvalidDataException($"The config profile '{path}': {string.Join("; ", problems)}");
    }

    /// <summary>
    /// The dotted key of every value scalar, by its position in the text, so that a problem found in a value names its key.
    /// YAML lets the last of two equal keys win silently, so a profile that sets download.seconds twice would run with
    /// whichever came last. Refused instead, naming the key and both lines, in every mapping however deep.
    /// </summary>
    private static Dictionary<long, string> KeysByPosition(string path, string text)
    {
        var keys = new Dictionary<long, string>();
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

            if (node is Scalar)
            {
                keys[node.Start.Index] = nodePath.TrimEnd('.');
            }
            else if (node is MappingStart)
            {
                open.Push((nodePath, new Dictionary<string, long>(StringComparer.Ordinal), ExpectKey: true, LastKey: "", Index: 0));
            }
            else if (node is SequenceStart)
            {
                open.Push((nodePath, null, ExpectKey: false, LastKey: "", Index: 0));
            }
        }

        return keys;
    }

    /// <summary>Every number's declared range, then the rules that tie settings together.</summary>
    public IEnumerable<string> Problems() =>
        SettingRanges.Problems(this, "")
            .Concat(Collect.Problems()).Concat(Download.Problems()).Concat(DescribeVideo.Problems()).Concat(TagAudio.Problems())
            .Concat(BaseModel.Problems()).Concat(Generate.Problems()).Concat(Pair.Problems()).Concat(FineTune.Problems())
            .Concat(Cache.Problems()).Concat(Slurm.Problems());
}

/// <summary>Paths of the external tools; a bare name is looked up on the PATH.</summary>
public sealed class ToolsConfig
{
    [Setting("path of ffmpeg; a bare name is looked up on the PATH")]
    public string Ffmpeg { get; set; } = "ffmpeg";

    [Setting("path of ffprobe", Unset = "beside `tools.ffmpeg`", Example = "/opt/ffmpeg/bin/ffprobe")]
    public string? Ffprobe { get; set; }

    [Setting("path of yt-dlp. Collect reports its version and warns when it is more than 180 days old: YouTube changes often, and Debian's yt-dlp is old")]
    public string YtDlp { get; set; } = "yt-dlp";

    public Ffmpeg CreateFfmpeg() => new(Ffmpeg, Ffprobe ?? Path.Combine(Path.GetDirectoryName(Ffmpeg) ?? string.Empty, "ffprobe"));

    public YtDlp CreateYtDlp() => new(YtDlp);
}

/// <summary>Where clips come from. With no sources listed, the built-in sample library is the one source.</summary>
public sealed class CollectConfig
{
    [Setting("a list; each entry sets exactly one of the kinds below", Example = "[{search: music video, limit: 30}, {csv: data/music_videos.csv}]")]
    public List<SourceConfig> Sources { get; set; } = [new SourceConfig { Samples = true }];

    public IReadOnlyList<CatalogSource> ToSources(SamplesConfig samples, string samplesFolder) =>
        Sources.Select(s => s.ToSource(samples, samplesFolder)).ToList();

    internal IEnumerable<string> Problems() =>
        Sources.SelectMany((s, i) => s.Problems().Select(p => $"collect.sources[{i}]: {p}"));
}

/// <summary>One source; exactly one of its kinds is set (limit goes with search, playlist and channel).</summary>
public sealed class SourceConfig
{
    [Setting("the built-in sample library (sized by `samples.*`)", Example = "true")]
    public bool? Samples { get; set; }

    [Setting("a YouTube search through yt-dlp (the original searched \"music video\", 30 per page)", Example = "music video")]
    public string? Search { get; set; }

    [Setting("a playlist's videos, listed through yt-dlp without downloading", Example = "https://www.youtube.com/playlist?list=...")]
    public string? Playlist { get; set; }

    [Setting("a channel's videos, listed through yt-dlp without downloading", Example = "https://www.youtube.com/@someone/videos")]
    public string? Channel { get; set; }

    [Setting("a CSV in the original's `Title,URL` form (header names in any case, extra columns ignored; duplicate rows, quoted titles, blank lines and a BOM are fine). It must be UTF-8: a file in another encoding (a Latin-1 export) is refused naming the first bad line and byte", Example = "data/music_videos.csv")]
    public string? Csv { get; set; }

    [Setting("media files under a folder, recursively (mp4, mkv, webm, mov, avi, ...). Every other file is rejected with its reason: not a video extension (an audio-only `.m4a` too), hidden, empty, a name that is not valid UTF-8 or holds `*` or `?`. Symbolic links are followed only while their real target stays in the workspace (a link loop or a second name for a file is read once); one leading out, the folder itself included, is rejected and not followed", Example = "media/")]
    public string? Folder { get; set; }

    [Setting("with search, playlist or channel: at most this many videos", Min = 1, Max = 100_000, Unset = "30 for a search (the original's page size), all for a playlist or a channel", Example = "100")]
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

    [Setting("clips in the sample library", Min = 1, Max = MaxCount)]
    public int Count { get; set; } = 200;

    [Setting("length of each sample clip in seconds", Min = 2, Max = 600)]
    public double Seconds { get; set; } = 16;

    [Setting("the library's seed: same seed, same bytes", Min = 0, Max = int.MaxValue)]
    public int Seed { get; set; } = 1;
}

public sealed class DownloadConfig
{
    // A day: beyond that a clip is not a music video, and TimeSpan arithmetic on the length overflows long before 1e12 s.
    [Setting("keep the first this many seconds (the original: 60)", Min = 1, Max = 86_400)]
    public double Seconds { get; set; } = 60;

    [Setting("a shorter clip fails with \"too short\"", Min = 0, Max = 86_400, AtMost = nameof(Seconds))]
    public double MinSeconds { get; set; } = 5;

    [Setting("`copy` (stream copy), `reencode` (h264/aac, as the original) or `auto`: copy when the codecs fit an mp4, and re-encode when a copied cut would miss the length by more than 0.1 s (B-frames) or the codecs do not fit. Numbers in [bench/RESULTS.md](bench/RESULTS.md)")]
    public TrimMode Mode { get; set; } = TrimMode.Auto;

    [Setting("yt-dlp's `-S`: at most 720p, mp4/m4a preferred (which trim by copy)")]
    public string FormatSort { get; set; } = "res:720,ext:mp4:m4a";

    [Setting("retries after a network failure that may heal (server error, timeout), with exponential backoff", Min = 0, Max = 20)]
    [NotInCacheKey("retrying changes whether a clip arrives, not what is written")]
    public int Retries { get; set; } = 3;

    [Setting("the first retry's delay in seconds (the original slept 5 s)", Min = 0, Max = 3_600)]
    [NotInCacheKey("waiting changes when a clip arrives, not what is written")]
    public double RetryDelaySeconds { get; set; } = 5;

    public DownloadOptions ToOptions() => new()
    {
        Length = TimeSpan.FromSeconds(Seconds),
        MinimumLength = TimeSpan.FromSeconds(MinSeconds),
        Mode = Mode,
        FormatSort = FormatSort,
        Retries = Retries,
        RetryDelay = TimeSpan.FromSeconds(RetryDelaySeconds),
    };

    internal IEnumerable<string> Problems()
    {
        if (FormatSort.StartsWith('-'))
        {
            yield return "download.format_sort must not start with '-'";
        }
    }
}
