namespace Sonique.Build.Host;

/// <summary>Cake's argument forms: <c>--name=value</c>, <c>--name value</c> and <c>--flag</c>; <c>-t</c> is <c>--target</c>.
/// A switch that neither Cake's part of the host nor the pipeline reads is refused, naming the nearest known one:
/// a typo such as <c>--taget=Status</c> must not run the whole pipeline.</summary>
public static class CommandLine
{
    /// <summary>Every switch this host reads, Cake's and the pipeline's (aliases included), for the nearest-match hint.</summary>
    public static readonly IReadOnlyList<string> KnownSwitches =
    [
        // Cake's, as this host implements them.
        "target", "exclusive", "dryrun", "dry-run", "noop", "whatif", "verbosity", "help", "description", "showdescription", "tree", "showtree", "version",
        // The pipeline's.
        "force", "config", "jobs", "workspace", "remote", "push", "executor", "detach",
        // An array task's and a detached run's stage job's, which the Slurm executor's login node passes (not for users).
        "shard-of", "stage-job-of",
        // The Benchmark target's.
        "suite", "quick",
        // The Test target's.
        "fast", "tier",
    ];

    private static readonly Dictionary<string, string> ShortForms = new(StringComparer.Ordinal)
    {
        ["-t"] = "--target",
        ["-v"] = "--verbosity",
        ["-e"] = "--exclusive",
        ["-h"] = "--help",
    };

    public static ILookup<string, string> Parse(IReadOnlyList<string> args)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = ShortForms.GetValueOrDefault(args[i], args[i]);
            if (!arg.StartsWith('-'))
            {
                throw new ArgumentException($"Unexpected argument '{arg}': options are written --name=value.");
            }

            var body = arg.TrimStart('-');
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? body[..equals] : body;
            if (!KnownSwitches.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Unknown switch '--{name}': did you mean '--{Nearest(name)}'? (./build.sh --help lists the switches)");
            }

            if (equals > 0)
            {
                pairs.Add(new(name, body[(equals + 1)..]));
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith('-'))
            {
                pairs.Add(new(name, args[++i]));
            }
            else
            {
                pairs.Add(new(name, "true"));
            }
        }

        return pairs.ToLookup(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
    }

    private static string Nearest(string name) =>
        KnownSwitches.MinBy(known => EditDistance(name.ToLowerInvariant(), known))!;

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, one each.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
