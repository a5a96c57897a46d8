using System.Globalization;
using System.Reflection;
using Cake.Core;
using Cake.Core.Diagnostics;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;

namespace Sonique.Build.Tests;

/// <summary>
/// Every setting of a profile, found by reflection over the declarations (so a new one is covered without a new test):
/// changed to another valid value, it changes its stage's parameters, computed by the real host as a run computes them
/// (SoniqueConfig -> the task's StageDefinition.Parameters); one marked [NotInCacheKey] changes no stage's.
/// </summary>
public sealed class SettingKeyTests : IDisposable
{
    /// <summary>The stage that reads each section of the profile (a new section needs a line here; a new setting in a
    /// section needs nothing).</summary>
    private static readonly Dictionary<string, string> StageOf = new(StringComparer.Ordinal)
    {
        ["collect"] = "Collect",
        ["samples"] = "Collect",
        ["download"] = "Download",
        ["describe_video"] = "DescribeVideo",
        ["tag_audio"] = "TagAudio",
        ["base_model"] = "BaseModel",
        ["generate"] = "Evaluate",
        ["pair"] = "Pair",
        ["finetune"] = "FineTune",
    };

    private static readonly TaskCatalog Catalog = TaskCatalog.Discover(typeof(SoniqueHost).Assembly);

    private readonly string _dir = Directory.CreateTempSubdirectory("sonique-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Changing_any_setting_that_affects_a_result_changes_its_stage_parameters_and_no_other_changes_any()
    {
        var settings = SettingsOf(typeof(SoniqueConfig), "", []).ToList();
        Assert.True(settings.Count > 80, $"found only {settings.Count} settings");

        foreach (var (key, path) in settings)
        {
            var config = Base();
            MeetConditions(config, path);
            var before = ParametersByStage(config);
            Change(config, key, path);
            var after = ParametersByStage(config);

            var changed = before.Keys.Where(stage => !before[stage].OrderBy(p => p.Key).SequenceEqual(after[stage].OrderBy(p => p.Key))).ToList();
            if (path.Any(p => p.GetCustomAttribute<NotInCacheKeyAttribute>() is not null))
            {
                Assert.True(changed.Count == 0, $"{key} is [NotInCacheKey] but changed the parameters of {string.Join(", ", changed)}");
            }
            else
            {
                var stage = StageOf[key.Split('.')[0]];
                Assert.True(changed.Contains(stage), $"{key}: changing it left {stage}'s parameters as they were ({string.Join(", ", changed)} changed)");
            }
        }
    }

    [Fact]
    public void A_model_file_enters_by_its_content_not_its_path_or_time()
    {
        var model = Write("a/model.gguf", "weights");
        var config = new SoniqueConfig { BaseModel = { Model = model } };
        var first = ParametersByStage(config)["BaseModel"];

        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddDays(-3));
        config.BaseModel.Model = Write("b/moved.gguf", "weights");
        var moved = ParametersByStage(config)["BaseModel"];
        File.WriteAllText(config.BaseModel.Model, "other weights");
        var replaced = ParametersByStage(config)["BaseModel"];

        Assert.Equal(first, moved);
        Assert.NotEqual(first, replaced);
        Assert.DoesNotContain(first.Values, v => v.Contains(_dir, StringComparison.Ordinal));
        Assert.Matches("^[0-9a-f]{32}$", first["base_model.model"]);
    }

    [Fact]
    public void Parameters_show_settings_as_a_profile_writes_them()
    {
        var parameters = ParametersByStage(new SoniqueConfig());

        Assert.Equal("[{samples: true}]", parameters["Collect"]["collect.sources"]);
        Assert.Equal("200", parameters["Collect"]["samples.count"]);
        Assert.Equal(new Dictionary<string, string>
        {
            ["download.seconds"] = "60",
            ["download.min_seconds"] = "5",
            ["download.mode"] = "auto",
            ["download.format_sort"] = "res:720,ext:mp4:m4a",
        }, parameters["Download"]);
        Assert.Equal("system", parameters["Evaluate"]["generate.prompt"]);
        Assert.Equal("null", parameters["Evaluate"]["generate.context_size"]);
        Assert.Equal("f32", parameters["BaseModel"]["base_model.type"]);
        Assert.DoesNotContain("describe_video.vlm.prompt", parameters["DescribeVideo"].Keys);

        var onnx = ParametersByStage(new SoniqueConfig { TagAudio = { Backend = TagBackend.Onnx, Onnx = { Model = Write("m.onnx", "m"), Labels = Write("l.txt", "a") } } });
        Assert.Equal("batch_frames_mels", onnx["TagAudio"]["tag_audio.onnx.layout"]);
        Assert.Equal("shifted_log10", onnx["TagAudio"]["tag_audio.onnx.compression"]);
        Assert.Equal("0.9", new StageParameters(ProfileNaming.Of, _ => "").Text(0.9f));
    }

    /// <summary>A profile in which every model path names a file that exists, so each backend can be chosen.</summary>
    private SoniqueConfig Base()
    {
        var config = new SoniqueConfig();
        foreach (var (key, path) in SettingsOf(typeof(SoniqueConfig), "", []).Where(s => s.Path[^1].GetCustomAttribute<ContentHashedAttribute>() is not null))
        {
            path[^1].SetValue(Owner(config, path), Write(key + ".bin", key));
        }

        return config;
    }

    /// <summary>Chooses what makes the setting count (describe_video.vlm.* count with the vlm backend).</summary>
    private static void MeetConditions(SoniqueConfig config, IReadOnlyList<PropertyInfo> path)
    {
        object owner = config;
        foreach (var property in path)
        {
            if (property.GetCustomAttribute<InCacheKeyWhenAttribute>() is { } when)
            {
                owner.GetType().GetProperty(when.Setting)!.SetValue(owner, when.Value);
            }

            owner = property.GetValue(owner)!;
        }
    }

    /// <summary>Sets the setting to another value that the profile accepts: another file for a model, the declared
    /// example read as YAML, the next enum name, or a nearby number in range.</summary>
    private void Change(SoniqueConfig config, string key, IReadOnlyList<PropertyInfo> path)
    {
        var setting = path[^1];
        var owner = Owner(config, path);
        var current = setting.GetValue(owner);
        var type = Nullable.GetUnderlyingType(setting.PropertyType) ?? setting.PropertyType;
        var declared = setting.GetCustomAttribute<SettingAttribute>()!;
        var text = new StageParameters(ProfileNaming.Of, _ => "");

        IEnumerable<object?> candidates = setting.GetCustomAttribute<ContentHashedAttribute>() is not null ? new object?[] { Write(key + ".other", key + " replaced") }
            : declared.Example is { } example && example != text.Text(current) ? new[] { Read(key, path, example) }
            : type == typeof(bool) ? new object?[] { current is not true }
            : type.IsEnum ? new object?[] { Enum.GetValues(type).Cast<object>().First(v => !v.Equals(current)) }
            : type == typeof(string) ? new object?[] { current + "x" }
            : Numbers(current ?? UnsetValue(owner, setting) ?? (declared.HasRange ? declared.Min : 64))
                .Select(n => (object?)Convert.ChangeType(n, type, CultureInfo.InvariantCulture));

        foreach (var candidate in candidates)
        {
            setting.SetValue(owner, candidate);
            if (!Equals(candidate, current) && !config.Problems().Any())
            {
                return;
            }
        }

        Assert.Fail($"{key}: found no other valid value than {text.Text(current)} ({string.Join("; ", config.Problems())})");
    }

    private static object? UnsetValue(object owner, PropertyInfo setting) =>
        owner is FineTuneConfig or PeftConfig ? typeof(Sonique.Training.FineTuneSettings).GetProperty(setting.Name)?.GetValue(new FineTuneConfig().ToSettings()) : null;

    private static IEnumerable<double> Numbers(object value)
    {
        var v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return [v + 1, v - 1, v / 2, v * 2, 1, 0];
    }

    /// <summary>The example value as the profile would bind it, through the real loader.</summary>
    private object? Read(string key, IReadOnlyList<PropertyInfo> path, string value)
    {
        var yaml = value;
        foreach (var part in key.Split('.').Reverse())
        {
            yaml = $"{{{part}: {yaml}}}";
        }

        var file = Write("example.yaml", yaml);
        return path[^1].GetValue(Owner(SoniqueConfig.Load(file), path));
    }

    private static object Owner(SoniqueConfig config, IReadOnlyList<PropertyInfo> path) =>
        path.SkipLast(1).Aggregate((object)config, (owner, property) => property.GetValue(owner)!);

    private Dictionary<string, IReadOnlyDictionary<string, string>> ParametersByStage(SoniqueConfig config)
    {
        var options = new RunOptions("Default", false, false, false, new HashSet<string>(), 1, null, _dir);
        var cake = SoniqueHost.CreateCakeContext(new CakeEnvironment(new CakePlatform(), new CakeRuntime()), new NullLog(), new CakeArguments(CommandLine.Parse([])));
        using var context = new SoniqueContext(cake, options, config, new SilentObserver(), Catalog, TestContext.Current.CancellationToken);
        return Catalog.StagesInOrder().ToDictionary(e => e.Name, e => ((StageTask)e.Task).Define(context).Parameters);
    }

    /// <summary>Every declared setting (a property with [Setting]) under a section, with the properties leading to it.</summary>
    private static IEnumerable<(string Key, IReadOnlyList<PropertyInfo> Path)> SettingsOf(Type section, string prefix, IReadOnlyList<PropertyInfo> path)
    {
        foreach (var property in Engine.StageParameters.SettingsOf(section))
        {
            var key = prefix + ProfileNaming.Of(property);
            if (property.GetCustomAttribute<SettingAttribute>() is not null)
            {
                yield return (key, [.. path, property]);
            }
            else if (Engine.StageParameters.IsOptions(property.PropertyType))
            {
                foreach (var setting in SettingsOf(property.PropertyType, key + ".", [.. path, property]))
                {
                    yield return setting;
                }
            }
        }
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private sealed class SilentObserver : IPipelineObserver
    {
        public void StageStarting(string stage, int items, int toDo)
        {
        }

        public void ItemFinished(string stage, string key, ItemOutcome outcome, string? detail)
        {
        }

        public void StageFinished(StageReport report)
        {
        }

        public void Warning(string stage, string message)
        {
        }
    }
}
