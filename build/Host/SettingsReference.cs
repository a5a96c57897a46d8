using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using Sonique.Engine;

namespace Sonique.Build.Host;

/// <summary>
/// A section whose unset settings take their values from elsewhere (a preset), so that the documentation can show
/// what an unset value becomes.
/// </summary>
internal interface IUnsetValues
{
    object? UnsetValueOf(PropertyInfo setting);
}

/// <summary>
/// profiles/example.yaml and the README's settings table, generated from the settings' declarations
/// (<see cref="SettingAttribute"/>), so that a new setting is documented where it is declared and nowhere else.
/// </summary>
public static class SettingsReference
{
    public const string ReadmeBegin = "<!-- settings:begin -->";
    public const string ReadmeEnd = "<!-- settings:end -->";

    /// <summary>How to write both files again after changing a declaration (a test fails until they match).</summary>
    public const string Regenerate =
        "SONIQUE_REGENERATE=1 dotnet test --project tests/Sonique.Build.Tests/Sonique.Build.Tests.csproj -c Release -- --filter-class '*SettingsReferenceTests*'";

    private const int Width = 118;

    private static readonly StageParameters Text = ProfileNaming.Parameters(_ => "");

    /// <summary>One declared setting: its dotted key, its declaration and its value in a default profile.</summary>
    public sealed record Entry(string Key, PropertyInfo Property, SettingAttribute Setting, object? Default, object? UnsetValue);

    /// <summary>Every declared setting of a default profile, in declaration order; an entry of a list (a source) as
    /// <c>collect.sources[].csv</c>.</summary>
    public static IEnumerable<Entry> Entries() => Entries(new SoniqueConfig(), "");

    public static string ExampleYaml()
    {
        var yaml = new StringBuilder();
        yaml.Append("# A Sonique config profile: ./build.sh --config=profiles/example.yaml\n");
        yaml.Append("# Every key is optional; an absent key keeps the embedded default (shown; unset ones commented out).\n");
        yaml.Append("# Unknown keys are errors. Paths are relative to the workspace and may not leave it.\n");
        yaml.Append("# Generated from the settings' declarations (build/Host/*Config.cs); after changing one, run\n");
        yaml.Append($"#   {Regenerate}\n\n");
        WriteSection(yaml, new SoniqueConfig(), "");
        return yaml.ToString();
    }

    public static string ReadmeTable()
    {
        var table = new StringBuilder();
        table.Append(ReadmeBegin).Append('\n');
        table.Append("| key | default | range | meaning |\n|---|---|---|---|\n");
        foreach (var entry in Entries())
        {
            var range = entry.Setting.HasRange
                ? string.Create(CultureInfo.InvariantCulture, $"{entry.Setting.Min} to {entry.Setting.Max}") + (entry.Setting.AtMost is { } other ? $", at most `{ProfileNaming.Of(entry.Property.DeclaringType!.GetProperty(other)!)}`" : "")
                : "";
            table.Append(CultureInfo.InvariantCulture, $"| `{entry.Key}` | {DefaultCell(entry)} | {range} | {entry.Setting.Description.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }

        return table.Append(ReadmeEnd).Append('\n').ToString();
    }

    /// <summary>The README with its settings table (between the markers) replaced by <see cref="ReadmeTable"/>.</summary>
    public static string WithTable(string readme)
    {
        var begin = readme.IndexOf(ReadmeBegin, StringComparison.Ordinal);
        var end = readme.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidDataException($"The README has no {ReadmeBegin} ... {ReadmeEnd} markers for the settings table.");
        }

        var after = readme.IndexOf('\n', end);
        return readme[..begin] + ReadmeTable() + (after < 0 ? "" : readme[(after + 1)..]);
    }

    private static string DefaultCell(Entry entry) =>
        entry.Default is not null ? $"`{Text.Text(entry.Default)}`"
        : entry.UnsetValue is not null ? $"`{Text.Text(entry.UnsetValue)}` ({entry.Setting.Unset})"
        : entry.Setting.Unset ?? "";

    private static IEnumerable<Entry> Entries(object section, string prefix)
    {
        foreach (var property in StageParameters.SettingsOf(section.GetType()))
        {
            var key = prefix + ProfileNaming.Of(property);
            var value = property.GetValue(section);
            if (property.GetCustomAttribute<SettingAttribute>() is { } setting)
            {
                yield return new Entry(key, property, setting, value, value is null ? (section as IUnsetValues)?.UnsetValueOf(property) : null);
                if (ElementSection(property) is { } element)
                {
                    foreach (var entry in Entries(Activator.CreateInstance(element)!, key + "[]."))
                    {
                        yield return entry;
                    }
                }
            }
            else if (value is not null && StageParameters.IsOptions(value.GetType()))
            {
                foreach (var entry in Entries(value, key + "."))
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>The options type of a list's entries (collect.sources: SourceConfig), or null.</summary>
    private static Type? ElementSection(PropertyInfo property) =>
        property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(List<>)
        && StageParameters.IsOptions(property.PropertyType.GetGenericArguments()[0])
            ? property.PropertyType.GetGenericArguments()[0]
            : null;

    private static void WriteSection(StringBuilder yaml, object section, string indent)
    {
        foreach (var property in StageParameters.SettingsOf(section.GetType()))
        {
            var name = ProfileNaming.Of(property);
            var value = property.GetValue(section);
            if (property.GetCustomAttribute<SettingAttribute>() is not { } setting)
            {
                if (value is not null && StageParameters.IsOptions(value.GetType()))
                {
                    yaml.Append(indent.Length == 0 ? "\n" : "").Append(indent).Append(name).Append(":\n");
                    WriteSection(yaml, value, indent + "  ");
                }

                continue;
            }

            Comment(yaml, indent, setting.Unset is { } unset ? $"{setting.Description} (unset: {unset})" : setting.Description);
            if (ElementSection(property) is { } element && value is IEnumerable entries)
            {
                yaml.Append(indent).Append(name).Append(":\n");
                foreach (var entry in entries)
                {
                    yaml.Append(indent).Append("  - ").Append(string.Join($"\n{indent}    ", StageParameters.SettingsOf(element)
                        .Select(p => (Name: ProfileNaming.Of(p), Value: p.GetValue(entry)))
                        .Where(p => p.Value is not null)
                        .Select(p => $"{p.Name}: {Text.Flow(p.Value)}"))).Append('\n');
                }

                foreach (var kind in StageParameters.SettingsOf(element))
                {
                    var kindSetting = kind.GetCustomAttribute<SettingAttribute>()!;
                    Comment(yaml, indent + "  ", kindSetting.Description);
                    yaml.Append(indent).Append("  # - ").Append(ProfileNaming.Of(kind)).Append(": ").Append(kindSetting.Example).Append('\n');
                }

                continue;
            }

            var shown = value ?? (section as IUnsetValues)?.UnsetValueOf(property);
            yaml.Append(indent).Append(value is null ? "# " : "").Append(name).Append(": ")
                .Append(shown is not null ? Text.Flow(shown) : setting.Example).Append('\n');
        }
    }

    /// <summary>A comment wrapped to the line width, every line at the setting's indent.</summary>
    private static void Comment(StringBuilder yaml, string indent, string text)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && indent.Length + 2 + line.Length + 1 + word.Length > Width)
            {
                yaml.Append(indent).Append("# ").Append(line).Append('\n');
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : "").Append(word);
        }

        yaml.Append(indent).Append("# ").Append(line).Append('\n');
    }
}
