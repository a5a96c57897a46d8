using System.Text;
using System.Text.Json;
using Sonique.Engine;

namespace Sonique.Build.Tests;

/// <summary>
/// The lock file and every item record its manifests hold, as text: what a test searches for a failure's reason, or for
/// a path that must never be recorded, now that a per-item stage's records live in the store and not in the lock file.
/// </summary>
internal static class RecordedText
{
    public static string Of(string workspaceRoot)
    {
        var workspace = new Workspace(workspaceRoot);
        var text = new StringBuilder(File.ReadAllText(workspace.LockFilePath));
        using var lockJson = JsonDocument.Parse(text.ToString());
        using var pipeline = Pipeline.OpenForReading(workspace);
        foreach (var stage in lockJson.RootElement.GetProperty("stages").EnumerateObject().Select(s => s.Name))
        {
            foreach (var (key, record) in pipeline.SucceededItems(stage).Concat(pipeline.FailedItems(stage)))
            {
                text.Append('\n').Append(stage).Append(' ').Append(key).Append(": ").Append(record.Fingerprint)
                    .Append(' ').Append(string.Join(", ", record.Inputs.Concat(record.Outputs).Concat(record.Values ?? []).Select(p => $"{p.Key} {p.Value}")))
                    .Append(' ').Append(record.Failure);
            }
        }

        return text.ToString();
    }
}
