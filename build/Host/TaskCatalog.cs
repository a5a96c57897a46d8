using System.Reflection;
using Sonique.Build.Frosting;

namespace Sonique.Build.Host;

/// <summary>The host's tasks, found by reflection as Frosting finds them, with their names and edges.</summary>
public sealed class TaskCatalog
{
    private TaskCatalog(IReadOnlyList<Entry> entries) => Entries = entries;

    public IReadOnlyList<Entry> Entries { get; }

    public static TaskCatalog Discover(Assembly assembly)
    {
        var types = assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(AsyncFrostingTask<SoniqueContext>).IsAssignableFrom(t))
            .ToList();
        var entries = types.Select(t => new Entry(
                NameOf(t),
                t.GetCustomAttribute<TaskDescriptionAttribute>()?.Description ?? "",
                t.GetCustomAttributes<IsDependentOnAttribute>().Select(d => NameOf(d.Task)).ToList(),
                (AsyncFrostingTask<SoniqueContext>)Activator.CreateInstance(t)!))
            .ToList();
        var stages = entries.Where(e => e.Task is StageTask).Select(e => e.Name).ToList();
        entries = entries
            .Select(e => e.Task.GetType().GetCustomAttribute<IsDependentOnEveryStageAttribute>() is null ? e : e with { Dependencies = stages })
            .ToList();
        return new TaskCatalog(entries);
    }

    /// <summary>Stage tasks in an order where every stage comes after those it depends on.</summary>
    public IReadOnlyList<Entry> StagesInOrder()
    {
        var byName = Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var ordered = new List<Entry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(Entry entry)
        {
            if (!seen.Add(entry.Name))
            {
                return;
            }

            foreach (var dependency in entry.Dependencies)
            {
                Visit(byName[dependency]);
            }

            ordered.Add(entry);
        }

        foreach (var entry in Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            Visit(entry);
        }

        return ordered.Where(e => e.Task is StageTask).ToList();
    }

    private static string NameOf(Type type) => type.GetCustomAttribute<TaskNameAttribute>()?.Name ?? type.Name.Replace("Task", "", StringComparison.Ordinal);

    public sealed record Entry(string Name, string Description, IReadOnlyList<string> Dependencies, AsyncFrostingTask<SoniqueContext> Task);
}
