using System.Reflection;
using Sonique.Build.Frosting;

namespace Sonique.Build.Host;

/// <summary>
/// The host's tasks, found by reflection as Frosting finds them, with their names and edges. A stage's edges are not
/// declared as such: a stage comes after every stage whose artifacts it reads (<see cref="StageTask.Reads"/>), so the
/// order cannot disagree with what the stages read. Other tasks keep Frosting's [IsDependentOn].
/// </summary>
public sealed class TaskCatalog
{
    private TaskCatalog(IReadOnlyList<Entry> entries) => Entries = entries;

    public IReadOnlyList<Entry> Entries { get; }

    public static TaskCatalog Discover(Assembly assembly) => Of(assembly.GetTypes());

    /// <summary>The tasks among <paramref name="candidates"/>. Refused, naming the stage: a stage with [IsDependentOn], one
    /// that reads an artifact of no stage here, one that declares another stage's artifact as its own, and a cycle.</summary>
    public static TaskCatalog Of(IEnumerable<Type> candidates)
    {
        var types = candidates
            .Where(t => !t.IsAbstract && typeof(AsyncFrostingTask<SoniqueContext>).IsAssignableFrom(t))
            .ToList();
        var entries = types.Select(t => new Entry(
                NameOf(t),
                t.GetCustomAttribute<TaskDescriptionAttribute>()?.Description ?? "",
                t.GetCustomAttributes<IsDependentOnAttribute>().Select(d => NameOf(d.Task)).ToList(),
                (AsyncFrostingTask<SoniqueContext>)Activator.CreateInstance(t)!))
            .ToList();
        var producers = entries.Where(e => e.Task is StageTask).ToDictionary(e => e.Task.GetType(), e => e.Name);
        entries = entries.Select(e => e.Task is StageTask stage ? e with { Dependencies = StagesReadBy(e, stage, producers) } : e).ToList();
        var stages = entries.Where(e => e.Task is StageTask).Select(e => e.Name).ToList();
        entries = entries
            .Select(e => e.Task.GetType().GetCustomAttribute<IsDependentOnEveryStageAttribute>() is null ? e : e with { Dependencies = stages })
            .ToList();
        var catalog = new TaskCatalog(entries);
        catalog.StagesInOrder();
        return catalog;
    }

    /// <summary>Stage tasks in an order where every stage comes after those it depends on; a cycle is refused, naming it.</summary>
    public IReadOnlyList<Entry> StagesInOrder()
    {
        var byName = Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var ordered = new List<Entry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        void Visit(Entry entry)
        {
            if (path.Contains(entry.Name))
            {
                throw new InvalidOperationException($"The stages read each other's artifacts in a cycle: {string.Join(" -> ", path.SkipWhile(p => p != entry.Name))} -> {entry.Name}.");
            }

            if (!seen.Add(entry.Name))
            {
                return;
            }

            path.Add(entry.Name);
            foreach (var dependency in entry.Dependencies)
            {
                Visit(byName[dependency]);
            }

            path.RemoveAt(path.Count - 1);
            ordered.Add(entry);
        }

        foreach (var entry in Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            Visit(entry);
        }

        return ordered.Where(e => e.Task is StageTask).ToList();
    }

    /// <summary>The stage graph as text, one stage after another in order: what it reads, from which stage, and what it writes.</summary>
    public string DescribeGraph()
    {
        var lines = new List<string> { "Stage graph (each stage: what it reads, from which stage; what it writes):" };
        var names = Entries.Where(e => e.Task is StageTask).ToDictionary(e => e.Task.GetType(), e => e.Name);
        foreach (var entry in StagesInOrder())
        {
            var stage = (StageTask)entry.Task;
            lines.Add($"  {entry.Name}");
            foreach (var from in stage.Reads.GroupBy(a => a.Producer))
            {
                lines.Add($"    reads  {names[from.Key]}: {string.Join(", ", from)}");
            }

            lines.Add($"    writes {string.Join(", ", stage.Writes)}");
        }

        return string.Join('\n', lines);
    }

    /// <summary>The stage graph as a Mermaid flowchart (the README's picture, checked against this by a test): an arrow
    /// from each stage to every stage that reads its artifacts, stages in order.</summary>
    public string Mermaid()
    {
        var lines = new List<string> { "```mermaid", "flowchart LR" };
        foreach (var entry in StagesInOrder())
        {
            lines.AddRange(entry.Dependencies.Order(StringComparer.Ordinal).Select(from => $"    {from} --> {entry.Name}"));
        }

        lines.Add("```");
        return string.Join('\n', lines) + "\n";
    }

    private static List<string> StagesReadBy(Entry entry, StageTask stage, Dictionary<Type, string> producers)
    {
        if (entry.Dependencies.Count > 0)
        {
            throw new InvalidOperationException($"The stage {entry.Name} names the stages it comes after ([IsDependentOn]); a stage comes after the stages whose artifacts it reads: declare those in Reads instead.");
        }

        if (stage.Writes.FirstOrDefault(a => a.Producer != stage.GetType()) is { } foreign)
        {
            throw new InvalidOperationException($"The stage {entry.Name} declares that it writes {foreign}, which is declared as {foreign.Producer.Name}'s.");
        }

        return stage.Reads
            .Select(a => producers.TryGetValue(a.Producer, out var producer)
                ? producer
                : throw new InvalidOperationException($"The stage {entry.Name} reads {a}, whose producer {a.Producer.Name} is not a stage of this build."))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static string NameOf(Type type) => type.GetCustomAttribute<TaskNameAttribute>()?.Name ?? type.Name.Replace("Task", "", StringComparison.Ordinal);

    public sealed record Entry(string Name, string Description, IReadOnlyList<string> Dependencies, AsyncFrostingTask<SoniqueContext> Task);
}
