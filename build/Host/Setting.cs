using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Sonique.Engine;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Sonique.Build.Host;

/// <summary>
/// A profile setting's declaration beside its property: what it means (the one text that example.yaml and the README
/// show) and, for a number, its allowed range. Every number has both bounds, stated in the error: an absurd value
/// (samples.count: 100000000, download.seconds: 1e12) is refused when the profile loads, not hours later.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingAttribute(string description) : Attribute
{
    public string Description { get; } = description;

    /// <summary>The smallest allowed value (inclusive); NaN for a setting that is not a number.</summary>
    public double Min { get; set; } = double.NaN;

    /// <summary>The largest allowed value (inclusive).</summary>
    public double Max { get; set; } = double.NaN;

    /// <summary>Another number of the same section that is also an upper bound (a hop at most the FFT size).</summary>
    public string? AtMost { get; set; }

    /// <summary>What an unset (null) value means, for the documentation ("one per logical processor").</summary>
    public string? Unset { get; set; }

    /// <summary>A value to show, commented out, in example.yaml where the default is unset.</summary>
    public string? Example { get; set; }

    public bool HasRange => !double.IsNaN(Min) && !double.IsNaN(Max);
}

/// <summary>How a profile names things: snake_case keys (or a <see cref="YamlMemberAttribute"/> alias) and snake_case enum
/// values, the one convention YAML binding, stage parameters and the documentation share.</summary>
public static class ProfileNaming
{
    public static string Of(MemberInfo member) =>
        member.GetCustomAttribute<YamlMemberAttribute>()?.Alias ?? UnderscoredNamingConvention.Instance.Apply(member.Name);

    public static IReadOnlyList<string> NamesOf(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(Of).ToList();

    /// <summary>The stage parameters of settings of a profile, with <paramref name="contentOf"/> for content-hashed files.</summary>
    public static StageParameters Parameters(Func<string, string> contentOf) => new(Of, contentOf);
}

/// <summary>
/// Every enum of a profile, read from its snake_case name. A name it does not know is noted rather than thrown, so that
/// the profile's problems are all reported together, each naming its key (which this converter, seeing one scalar, does
/// not know: <see cref="SoniqueConfig"/> finds it by the scalar's position).
/// </summary>
internal sealed class ProfileEnumConverter : IYamlTypeConverter
{
    public List<(long Position, string Problem)> Problems { get; } = [];

    public bool Accepts(Type type) => type.IsEnum;

    public object ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
    {
        var scalar = parser.Consume<Scalar>();
        var field = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(f => ProfileNaming.Of(f).Equals(scalar.Value, StringComparison.OrdinalIgnoreCase));
        if (field is not null)
        {
            return field.GetValue(null)!;
        }

        Problems.Add((scalar.Start.Index, $"'{scalar.Value}' is not one of {string.Join(", ", ProfileNaming.NamesOf(type))}"));
        return Enum.GetValues(type).GetValue(0)!;
    }

    public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) =>
        emitter.Emit(new Scalar(value is null ? "" : ProfileNaming.Of(type.GetField(value.ToString()!)!)));
}

/// <summary>The range checks that <see cref="SettingAttribute"/> declares, over a whole profile.</summary>
internal static class SettingRanges
{
    /// <summary>One problem per number outside its inclusive range (NaN included); an unset optional one passes.</summary>
    public static IEnumerable<string> Problems(object section, string prefix)
    {
        foreach (var property in StageParameters.SettingsOf(section.GetType()))
        {
            var key = prefix + ProfileNaming.Of(property);
            var value = property.GetValue(section);
            if (value is null)
            {
                continue;
            }

            if (property.GetCustomAttribute<SettingAttribute>() is { HasRange: true } setting && value is IConvertible number and not string)
            {
                var max = setting.AtMost is { } other
                    ? Math.Min(setting.Max, Convert.ToDouble(section.GetType().GetProperty(other)!.GetValue(section), CultureInfo.InvariantCulture))
                    : setting.Max;
                var actual = number.ToDouble(CultureInfo.InvariantCulture);
                if (!(actual >= setting.Min && actual <= max))
                {
                    yield return string.Create(CultureInfo.InvariantCulture, $"{key} must be between {setting.Min} and {max}, not {actual}");
                }
            }
            else if (StageParameters.IsOptions(value.GetType()))
            {
                foreach (var problem in Problems(value, key + "."))
                {
                    yield return problem;
                }
            }
            else if (value is System.Collections.IEnumerable items and not string)
            {
                var index = 0;
                foreach (var item in items)
                {
                    if (item is not null && StageParameters.IsOptions(item.GetType()))
                    {
                        foreach (var problem in Problems(item, $"{key}[{index}]."))
                        {
                            yield return problem;
                        }
                    }

                    index++;
                }
            }
        }
    }
}

/// <summary>Settings of a profile picked by a lambda (<c>c => c.Generate.Template</c>) as stage parameters, keyed by
/// their profile keys (generate.template), so a stage names what it reads once, in code the compiler checks.</summary>
public static class ProfileParameters
{
    public static IReadOnlyDictionary<string, string> Of(SoniqueConfig config, IEnumerable<Expression<Func<SoniqueConfig, object?>>> settings, Func<string, string> contentOf) =>
        ProfileNaming.Parameters(contentOf).Of(settings.Select(s => Setting(config, s)));

    /// <summary>The profile key, the declaring property and the value of the setting a lambda reads.</summary>
    public static (string Key, PropertyInfo? Declaration, object? Value) Setting(SoniqueConfig config, Expression<Func<SoniqueConfig, object?>> setting)
    {
        var body = setting.Body is UnaryExpression { NodeType: ExpressionType.Convert } boxed ? boxed.Operand : setting.Body;
        var path = new List<PropertyInfo>();
        while (body is MemberExpression { Member: PropertyInfo property } member)
        {
            path.Insert(0, property);
            body = member.Expression;
        }

        if (body is not ParameterExpression || path.Count == 0)
        {
            throw new ArgumentException($"'{setting}' does not read a setting of the profile (as c => c.Section.Setting does).", nameof(setting));
        }

        object? value = config;
        foreach (var property in path)
        {
            value = value is null ? null : property.GetValue(value);
        }

        return (string.Join('.', path.Select(ProfileNaming.Of)), path[^1], value);
    }
}
