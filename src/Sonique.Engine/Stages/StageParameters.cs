using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Sonique.Engine;

/// <summary>
/// A setting that cannot change a stage's result (a thread count, a retry count, where a tool lives): it stays out of
/// the parameters derived by <see cref="StageParameters"/>, so changing it reruns nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotInCacheKeyAttribute(string reason) : Attribute
{
    /// <summary>Why the result does not depend on it.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// A setting that matters only while a sibling setting has one value (a backend's own settings, while that backend is
/// chosen): otherwise it stays out of the parameters, so tuning an unused backend reruns nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class InCacheKeyWhenAttribute(string setting, object value) : Attribute
{
    /// <summary>The sibling property's name.</summary>
    public string Setting { get; } = setting;

    public object Value { get; } = value;
}

/// <summary>
/// A path setting whose file enters the parameters by its content hash, not by its name: a replaced file reruns the
/// stage, a moved one does not, and no absolute path or modification time of one machine reaches the lock file.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ContentHashedAttribute : Attribute;

/// <summary>
/// A stage's parameters derived from the options it is given, so that no setting can be left out of its cache key by
/// hand: every public settable property, recursively, keyed by its dotted path, except those marked
/// <see cref="NotInCacheKeyAttribute"/> or inactive by <see cref="InCacheKeyWhenAttribute"/>. Values are written as a
/// YAML profile writes them (invariant numbers, <c>true</c>/<c>false</c>, <c>null</c>, enum names and lists in flow
/// style), never as a .NET <c>ToString()</c>.
/// </summary>
/// <param name="nameOf">A property's or an enum member's name as the options are written (their naming convention).</param>
/// <param name="contentOf">The content identity of a <see cref="ContentHashedAttribute"/> path.</param>
public sealed class StageParameters(Func<MemberInfo, string> nameOf, Func<string, string> contentOf)
{
    /// <summary>The parameters of each setting (a single value, or an options object and everything under it), keyed
    /// under its name; <paramref name="declaration"/> is the property it was read from, whose attributes apply.</summary>
    public IReadOnlyDictionary<string, string> Of(IEnumerable<(string Key, PropertyInfo? Declaration, object? Value)> settings)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, declaration, value) in settings)
        {
            Add(parameters, key, declaration, value);
        }

        return parameters;
    }

    /// <summary>The settings of an options type: its public properties that can be both read and set.</summary>
    public static IEnumerable<PropertyInfo> SettingsOf(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0);

    /// <summary>Whether a value of this type is an options object (expanded setting by setting) rather than one value.</summary>
    public static bool IsOptions(Type type) =>
        type != typeof(string) && !type.IsValueType && !typeof(IEnumerable).IsAssignableFrom(type) && !typeof(IFormattable).IsAssignableFrom(type);

    /// <summary>Whether a setting of <paramref name="options"/> is active there (see <see cref="InCacheKeyWhenAttribute"/>).</summary>
    public static bool IsActive(PropertyInfo setting, object options) =>
        setting.GetCustomAttribute<InCacheKeyWhenAttribute>() is not { } when
        || Equals(options.GetType().GetProperty(when.Setting)?.GetValue(options), when.Value);

    /// <summary>A value as one parameter's text: a string as it is, anything else as YAML's flow style writes it.</summary>
    public string Text(object? value) => value is string text ? text : Flow(value);

    /// <summary>A value in YAML's flow style, strings quoted where YAML would read them otherwise.</summary>
    public string Flow(object? value) => value switch
    {
        null => "null",
        string text => FlowScalar(text),
        bool flag => flag ? "true" : "false",
        Enum member => nameOf(member.GetType().GetField(member.ToString(), BindingFlags.Public | BindingFlags.Static) ?? throw new ArgumentException($"{member} is not one named value of {member.GetType().Name}", nameof(value))),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Flow)) + "]",
        _ => "{" + string.Join(", ", SettingsOf(value.GetType())
            .Select(p => (Name: nameOf(p), Value: p.GetValue(value)))
            .Where(p => p.Value is not null)
            .Select(p => $"{p.Name}: {Flow(p.Value)}")) + "}",
    };

    /// <summary>A string as a YAML plain scalar when YAML reads it back as that same string, else double-quoted.</summary>
    public static string FlowScalar(string text)
    {
        var plain = text.Length > 0
            && text.Trim() == text
            && text.IndexOfAny([',', '[', ']', '{', '}', '#', '"', '\'', '\\', '\n', '\r', '\t']) < 0
            && !text.Contains(": ", StringComparison.Ordinal)
            && !text.EndsWith(':')
            && "-?:!&*|>%@`".IndexOf(text[0], StringComparison.Ordinal) < 0
            && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            && text.ToLowerInvariant() is not ("null" or "~" or "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" or ".nan" or ".inf" or "-.inf");
        if (plain)
        {
            return text;
        }

        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    private void Add(Dictionary<string, string> parameters, string key, PropertyInfo? declaration, object? value)
    {
        if (declaration?.GetCustomAttribute<NotInCacheKeyAttribute>() is not null)
        {
            return;
        }

        if (declaration?.GetCustomAttribute<ContentHashedAttribute>() is not null)
        {
            parameters[key] = value is string path && !string.IsNullOrWhiteSpace(path) ? contentOf(path) : "null";
            return;
        }

        if (value is not null && IsOptions(value.GetType()))
        {
            foreach (var setting in SettingsOf(value.GetType()).Where(s => IsActive(s, value)))
            {
                Add(parameters, $"{key}.{nameOf(setting)}", setting, setting.GetValue(value));
            }

            return;
        }

        parameters[key] = Text(value);
    }
}
