namespace Sonique.Build.Host;

/// <summary>Cake's argument forms: <c>--name=value</c>, <c>--name value</c> and <c>--flag</c>; <c>-t</c> is <c>--target</c>.</summary>
public static class CommandLine
{
    public static ILookup<string, string> Parse(IReadOnlyList<string> args)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-t")
            {
                arg = "--target";
            }

            if (!arg.StartsWith('-'))
            {
                throw new ArgumentException($"Unexpected argument '{arg}': options are written --name=value.");
            }

            var body = arg.TrimStart('-');
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                pairs.Add(new(body[..equals], body[(equals + 1)..]));
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith('-'))
            {
                pairs.Add(new(body, args[++i]));
            }
            else
            {
                pairs.Add(new(body, "true"));
            }
        }

        return pairs.ToLookup(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
    }
}
