using Sonique.Analysis;
using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Features;
using Sonique.Analysis.Audio.Onnx;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;

namespace Sonique.Build.Tasks;

/// <summary>Per clip: music tags ending in the tempo. A clip that cannot be decoded fails alone.</summary>
[TaskName("TagAudio")]
[TaskDescription("Tag every clip's music to artifacts/tags/{file}.json")]
[IsDependentOn(typeof(DownloadTask))]
public sealed class TagAudioTask : StageTask
{
    public override StageDefinition Define(SoniqueContext context)
    {
        var config = context.Config.TagAudio;
        var reader = new AudioReader(context.Config.Tools.CreateFfmpeg());
        var onnx = config.UsesOnnx ? config.ToOnnxOptions(path => Path.GetFullPath(path, context.Workspace.Root)) : null;
        var tagger = new Lazy<Task<IAudioTagger>>(async () => onnx is not null
            ? await context.LoadForStageAsync<OnnxTagger, OnnxTaggerLoadException>("TagAudio", () => OnnxTagger.CreateAsync(onnx, reader, context.Cancellation))
            : new FeatureTagger(reader, config.ToFeatureOptions()));

        return new ItemStage("TagAudio", version: 1)
        {
            Parameters = context.ParametersOf(c => c.TagAudio),
            Items = ct => ClipItems.FromCatalogAsync(
                context, ArtifactPaths.ClipAudio, ArtifactPaths.TagsOf, ct),
            Run = async (run, ct) =>
            {
                var backend = await tagger.Value;
                var tags = await backend.TagAsync(run.Input(0), ct);
                await AnalysisJson.WriteAsync(run.Output(0), TagsFile.Of(run.Key + ".wav", backend.Name, tags), ct);
            },
        };
    }
}
