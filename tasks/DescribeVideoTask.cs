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
[TaskDescription("Describe every clip's picture to artifacts/descriptions/{file}.json")]
[IsDependentOn(typeof(DownloadTask))]
public sealed class DescribeVideoTask : StageTask
{
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
                context, ArtifactPaths.ClipVideo, ArtifactPaths.Description, ct),
            Run = async (run, ct) =>
            {
                var backend = await describer.Value;
                var description = await backend.DescribeAsync(run.Input(0), ct);
                await AnalysisJson.WriteAsync(run.Output(0), DescriptionFile.Of(run.Key + ".mp4", backend.Name, description), ct);
            },
        };
    }
}
