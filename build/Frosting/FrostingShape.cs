namespace Sonique.Build.Frosting;

// The attributes and base classes of Cake.Frosting, which the registry does not serve: the same shape,
// so a task reads as it would in any Frosting build and could move to Frosting unchanged.

[AttributeUsage(AttributeTargets.Class)]
public sealed class TaskNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class TaskDescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependentOnAttribute(Type task) : Attribute
{
    public Type Task { get; } = task;
}

/// <summary>Not in Frosting: the task depends on every pipeline stage, so it stays the end of the graph as stages are added.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class IsDependentOnEveryStageAttribute : Attribute;

/// <summary>A task whose work is asynchronous.</summary>
public abstract class AsyncFrostingTask<TContext>
{
    public virtual bool ShouldRun(TContext context) => true;

    public abstract Task RunAsync(TContext context);
}
