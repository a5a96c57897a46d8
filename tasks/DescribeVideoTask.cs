using Sonique.Analysis;
using Sonique.Analysis.Video;
using Sonique.Analysis.Video.Features;
using Sonique.Analysis.Video.Vlm;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;

namespace Sonique.Build.Tasks;

/// <summary>Per clip: a scene description from sampled frames. A clip that cannot be decoded fails alone.</summary>
[TaskName("DescribeVideo")]
[TaskDescription("Describe every clip's picture to artifacts/descriptions/{clip}.json")]
public sealed class DescribeVideoTask : StageTask
{
    /// <summary>Each clip's scene description (<see cref="DescriptionFile"/>).</summary>
    public static readonly ClipArtifact Description = new(typeof(DescribeVideoTask), "artifacts/descriptions", ".json");

    public override IReadOnlyList<Artifact> Reads => [CollectTask.Catalog, DownloadTask.Video];

    public override IReadOnlyList<Artifact> Writes => [Description];

    public override StageDefinition Define(SoniqueContext context)
    {
        var config = context.Config.DescribeVideo;
        var ffmpeg = context.Config.Tools.CreateFfmpeg();
        var vlm = config.UsesVlm ? config.ToVlmOptions(path => Path.GetFullPath(path, context.Workspace.Root)) : null;
        var describer = new Lazy<Task<ISceneDescriber>>(async () => vlm is not null
            ? await context.LoadForStageAsync<VlmDescriber, VlmLoadException>("DescribeVideo", () => VlmDescriber.LoadAsync(vlm, ffmpeg, context.Cancellation))
            : new FeatureDescriber(ffmpeg, config.ToFeatureOptions()));

        return new ItemStage("DescribeVideo", version: 1)
        {
            Parameters = context.ParametersOf(c => c.DescribeVideo),
            Items = ct => ClipItems.FromCatalogAsync(
                context, DownloadTask.Video, Description, ct),
            Run = async (run, ct) =>
            {
                var backend = await describer.Value;
                var description = await backend.DescribeAsync(run.Input(0), ct);
                await AnalysisJson.WriteAsync(run.Output(0), DescriptionFile.Of(Path.GetFileName(run.Input(0)), backend.Name, description), ct);
            },
        };
    }
}
