using System.Reflection;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Tests.Shared;

namespace Sonique.Build.Tests;

/// <summary>
/// profiles/example.yaml and the README's settings table are generated from the settings' declarations; these fail
/// when a committed file drifts from them. SONIQUE_REGENERATE=1 writes both instead (<see cref="SettingsReference.Regenerate"/>).
/// </summary>
public sealed class SettingsReferenceTests
{
    private static string Root => RepositoryRoot.Path;

    private static bool Regenerating => Environment.GetEnvironmentVariable("SONIQUE_REGENERATE") == "1";

    [Fact]
    public void The_example_profile_is_the_one_generated_from_the_declarations()
    {
        var path = Path.Combine(Root, "profiles", "example.yaml");
        var expected = SettingsReference.ExampleYaml();
        if (Regenerating)
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(expected == File.ReadAllText(path), $"profiles/example.yaml differs from the declarations; regenerate it: {SettingsReference.Regenerate}");
    }

    [Fact]
    public void The_readme_settings_table_is_the_one_generated_from_the_declarations()
    {
        var path = Path.Combine(Root, "README.md");
        var readme = File.ReadAllText(path);
        var expected = SettingsReference.WithTable(readme);
        if (Regenerating)
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(expected == File.ReadAllText(path), $"README.md's settings table differs from the declarations; regenerate it: {SettingsReference.Regenerate}");
    }

    [Fact]
    public void Every_setting_is_declared_with_its_meaning_and_documented()
    {
        var documented = SettingsReference.Entries().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var table = SettingsReference.ReadmeTable();
        var example = SettingsReference.ExampleYaml();

        foreach (var (key, property) in Leaves(new SoniqueConfig(), ""))
        {
            Assert.True(property.GetCustomAttribute<SettingAttribute>() is { Description.Length: > 0 }, $"{key} has no [Setting(\"meaning\")]");
            Assert.Contains(key, documented);
            Assert.Contains($"| `{key}` |", table, StringComparison.Ordinal);
            Assert.Contains($"{key.Split('.')[^1].Replace("[]", "", StringComparison.Ordinal)}:", example, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_readme_without_the_markers_is_refused_rather_than_left_without_its_table() =>
        Assert.Throws<InvalidDataException>(() => SettingsReference.WithTable("# Sonique\n| key | default |\n"));

    /// <summary>Every value a profile can set: the properties that are not themselves sections, under every section.</summary>
    private static IEnumerable<(string Key, PropertyInfo Property)> Leaves(object section, string prefix)
    {
        foreach (var property in StageParameters.SettingsOf(section.GetType()))
        {
            var key = prefix + ProfileNaming.Of(property);
            if (!StageParameters.IsOptions(property.PropertyType))
            {
                yield return (key, property);
            }
            else
            {
                foreach (var leaf in Leaves(property.GetValue(section)!, key + "."))
                {
                    yield return leaf;
                }
            }
        }
    }
}
