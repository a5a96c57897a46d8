using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Ingest.Sources;
using Sonique.Media;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests;

public sealed class ConfigTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("config-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SoniqueConfig Load(string yaml)
    {
        var path = Path.Combine(_dir, "p.yaml");
        File.WriteAllText(path, yaml);
        return SoniqueConfig.Load(path);
    }

    [Fact]
    public void The_example_profile_loads_and_documents_the_defaults()
    {
        var root = RepositoryRoot.Path;

        var example = SoniqueConfig.Load(Path.Combine(root, "profiles", "example.yaml"));
        var defaults = new SoniqueConfig();
        var text = new StageParameters(ProfileNaming.Of, _ => "");

        foreach (var section in StageParameters.SettingsOf(typeof(SoniqueConfig)))
        {
            Assert.Equal(text.Flow(section.GetValue(defaults)), text.Flow(section.GetValue(example)));
        }

        Assert.IsType<SampleLibrarySource>(Assert.Single(example.Collect.ToSources(example.Samples, "s")));
        Assert.False(example.BaseModel.IsConfigured);
    }

    [Fact]
    public void The_finetune_section_overrides_its_preset_and_bad_values_are_named()
    {
        var config = Load("""
            finetune: {preset: sonique, epochs: 1, targets: [q_proj, v_proj], peft: {four_bit: false}}
            """);

        var settings = config.FineTune.ToSettings();
        Assert.Equal(256, settings.Rank);
        Assert.Equal(128, settings.Alpha);
        Assert.Equal(2e-4, settings.LearningRate);
        Assert.Equal(1, settings.Epochs);
        Assert.Equal(6, settings.ExamplesPerStep);
        Assert.False(settings.FourBit);
        Assert.Equal(["attn_q", "attn_v"], settings.ToLora().Targets.Select(t => t.Gguf));

        var error = Assert.Throws<InvalidDataException>(() => Load("finetune: {backend: jax, rank: 0, targets: [wq], peft: {runner: podman}}"));
        Assert.Contains("finetune.backend 'jax'", error.Message, StringComparison.Ordinal);
        Assert.Contains("finetune.rank must be between 1 and 4096, not 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("wq unknown", error.Message, StringComparison.Ordinal);
        Assert.Contains("finetune.peft.runner 'podman'", error.Message, StringComparison.Ordinal);
        Assert.True(Load("finetune: {backend: peft}").FineTune.IsPeft);
    }

    [Fact]
    public void Language_sections_map_to_their_options_and_bad_values_are_named()
    {
        var config = Load("""
            base_model: {model: models/m.gguf, type: f16}
            generate: {template: llama2, max_tokens: 32, prompt: inline, context_size: 4096, threads: 2, flash_attention: auto}
            pair: {validation: 0.2, test: 0.05, split_salt: again, balance: {max_tag_share: 0.5, max_tempo_band_share: 0.3, tempo_band_width: 10}}
            """);

        var generation = config.Generate.ToOptions("m.gguf", "lora.gguf");
        var pair = config.Pair.ToOptions();

        Assert.True(config.BaseModel.IsConfigured);
        Assert.Equal(Sonique.Dataset.Pairs.TagPromptStyle.Inline, config.Generate.PromptStyle);
        Assert.Null(generation.FlashAttention);
        Assert.False(new GenerateConfig().ToOptions("m.gguf", null).FlashAttention);
        Assert.Equal(Sonique.Gguf.GgmlType.F16, config.BaseModel.GgmlType);
        Assert.Equal(("llama2", 32, 4096u, 2, "lora.gguf"), (generation.Template, generation.MaxTokens, generation.ContextSize!.Value, generation.Threads!.Value, generation.AdapterPath));
        Assert.Equal(new Sonique.Dataset.Pairs.SplitRatios(0.2, 0.05), pair.Ratios);
        Assert.Equal("again", pair.Salt);
        Assert.Equal(new Sonique.Dataset.Pairs.BalanceOptions(0.5, 0.3, 10), pair.Balance);

        var failure = Assert.Throws<InvalidDataException>(() => Load("""
            base_model: {type: q4}
            generate: {max_tokens: 0, prompt: chat, flash_attention: maybe}
            pair: {validation: 0.5, test: 0.5, balance: {max_tag_share: 1.5}}
            """));

        Assert.Contains("base_model.type 'q4' is not one of f32, f16", failure.Message, StringComparison.Ordinal);
        Assert.Contains("generate.max_tokens must be between 1 and 4096", failure.Message, StringComparison.Ordinal);
        Assert.Contains("generate.prompt 'chat' is not one of system, inline", failure.Message, StringComparison.Ordinal);
        Assert.Contains("generate.flash_attention 'maybe' is not one of off, on, auto", failure.Message, StringComparison.Ordinal);
        Assert.Contains("pair.validation and pair.test together must stay below 1, to leave some clips for training", failure.Message, StringComparison.Ordinal);
        Assert.Contains("pair.balance.max_tag_share must be between 0.01 and 1, not 1.5", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sources_of_every_kind_become_catalog_sources()
    {
        var config = Load("""
            collect:
              sources:
                - samples: true
                - search: music video
                - playlist: https://www.youtube.com/playlist?list=PL1
                  limit: 5
                - channel: https://www.youtube.com/@x/videos
                - csv: data/music_videos.csv
                - folder: media
            samples: {count: 7, seconds: 3, seed: 9}
            download: {mode: reencode, seconds: 30}
            """);

        var sources = config.Collect.ToSources(config.Samples, "artifacts/samples");

        Assert.Equal(
            [
                new SampleLibrarySource(9, 7, 3, "artifacts/samples"),
                new SearchSource("music video", 30),
                new PlaylistSource("https://www.youtube.com/playlist?list=PL1", 5, IsChannel: false),
                new PlaylistSource("https://www.youtube.com/@x/videos", null, IsChannel: true),
                new CsvSource("data/music_videos.csv"),
                new FolderSource("media"),
            ],
            sources);
        Assert.Equal(TrimMode.Reencode, config.Download.ToOptions().Mode);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Download.ToOptions().Length);
    }

    [Theory]
    [InlineData("collect:\n  sources:\n    - csv: a.csv\n      folder: b\n", "collect.sources[0]: set exactly one")]
    [InlineData("collect:\n  sources:\n    - csv: a.csv\n      limit: 3\n", "limit applies only")]
    [InlineData("download:\n  mode: fast\n", "download.mode 'fast'")]
    [InlineData("download:\n  seconds: 10\n  min_seconds: 20\n", "download.min_seconds")]
    [InlineData("samples:\n  count: 0\n", "samples.count")]
    [InlineData("download:\n  format_sort: --exec=x\n", "format_sort")]
    [InlineData("samples:\n  count: 100000000\n", "samples.count must be between 1 and 100000, not 100000000")]
    [InlineData("download:\n  seconds: 1e12\n", "download.seconds must be between 1 and 86400, not 1000000000000")]
    [InlineData("download:\n  seconds: .nan\n", "download.seconds must be between 1 and 86400, not NaN")]
    public void Invalid_values_are_errors_naming_the_key(string yaml, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Load(yaml));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("p.yaml", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Every numeric setting of every section, found by reflection (so a new one is covered without a new
    /// test): a value at either end of its type is refused with a message that names it and states its range.</summary>
    [Fact]
    public void Every_number_in_a_profile_has_a_range_that_its_error_states()
    {
        var settings = NumericSettings(typeof(SoniqueConfig), "").ToList();
        Assert.True(settings.Count > 40, $"found only {settings.Count} numeric settings: {string.Join(", ", settings.Select(s => s.Key))}");

        foreach (var (key, type) in settings)
        {
            var stated = key + " must be between ";
            var refusals = Extremes(type).Select<string, string?>(value =>
            {
                try
                {
                    Load(Yaml(key, value));
                    return null;
                }
                catch (InvalidDataException e)
                {
                    return e.Message;
                }
            }).ToList();

            Assert.True(refusals.Any(m => m is not null && m.Contains(stated, StringComparison.Ordinal)), $"{key}: no absurd value was refused with its range: {string.Join(" | ", refusals)}");
        }
    }

    private static readonly Type[] Numbers = [typeof(int), typeof(uint), typeof(long), typeof(float), typeof(double)];

    private static IEnumerable<(string Key, Type Type)> NumericSettings(Type section, string prefix)
    {
        foreach (var property in section.GetProperties().Where(p => p.CanWrite))
        {
            var key = prefix + (property.GetCustomAttributes(typeof(YamlDotNet.Serialization.YamlMemberAttribute), false).FirstOrDefault() is YamlDotNet.Serialization.YamlMemberAttribute { Alias: { } alias }
                ? alias
                : YamlDotNet.Serialization.NamingConventions.UnderscoredNamingConvention.Instance.Apply(property.Name));
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (Numbers.Contains(type))
            {
                yield return (key, type);
            }
            else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) && type.GetGenericArguments()[0].Namespace == section.Namespace)
            {
                foreach (var setting in NumericSettings(type.GetGenericArguments()[0], key + "[0]."))
                {
                    yield return setting;
                }
            }
            else if (type.IsClass && type.Namespace == section.Namespace)
            {
                foreach (var setting in NumericSettings(type, key + "."))
                {
                    yield return setting;
                }
            }
        }
    }

    private static string[] Extremes(Type type) =>
        type == typeof(int) ? [$"{int.MaxValue}", $"{int.MinValue}"]
        : type == typeof(uint) ? [$"{uint.MaxValue}"]
        : type == typeof(long) ? [$"{long.MaxValue}", $"{long.MinValue}"]
        : type == typeof(float) ? ["3e38", "-3e38", ".nan"]
        : ["1e300", "-1e300", ".nan"];

    /// <summary>"a.b[0].c" and a value as nested flow YAML: {a: {b: [{c: value}]}}.</summary>
    private static string Yaml(string key, string value)
    {
        var text = value;
        foreach (var part in key.Split('.').Reverse())
        {
            text = part.EndsWith("[0]", StringComparison.Ordinal) ? $"{{{part[..^3]}: [{text}]}}" : $"{{{part}: {text}}}";
        }

        return text;
    }

    [Theory]
    [InlineData("jobs: 2\nsamples: {count: 3}\njobs: 4\n", "the key 'jobs' appears twice, on line 1 and line 3")]
    [InlineData("download:\n  seconds: 30\n  retries: 2\n  seconds: 40\n", "the key 'download.seconds' appears twice, on line 2 and line 4")]
    [InlineData("finetune:\n  peft: {four_bit: true, four_bit: false}\n", "the key 'finetune.peft.four_bit' appears twice, on line 2 and line 2")]
    [InlineData("collect:\n  sources:\n    - csv: a.csv\n    - folder: b\n      folder: c\n", "the key 'collect.sources[1].folder' appears twice, on line 4 and line 5")]
    public void A_key_given_twice_is_refused_naming_it_and_both_lines(string yaml, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Load(yaml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("p.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_key_in_different_mappings_is_not_a_duplicate()
    {
        var config = Load("collect:\n  sources:\n    - csv: a.csv\n    - csv: b.csv\ndownload: {seconds: 30}\nsamples: {seconds: 30}\n");

        Assert.Equal(2, config.Collect.Sources!.Count);
        Assert.Equal(30, config.Samples.Seconds);
    }

    [Fact]
    public void Ffprobe_defaults_to_the_one_beside_ffmpeg()
    {
        var ffmpeg = Load("tools:\n  ffmpeg: /usr/bin/ffmpeg\n").Tools.CreateFfmpeg();
        Assert.Equal("/usr/bin/ffprobe", ffmpeg.FfprobePath);
        Assert.Equal("ffprobe", new SoniqueConfig().Tools.CreateFfmpeg().FfprobePath);
    }
}
