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
[TaskDescription("Tag every clip's music to artifacts/tags/{clip}.json")]
public sealed class TagAudioTask : StageTask
{
    /// <summary>Each clip's music tags (<see cref="TagsFile"/>).</summary>
    public static readonly ClipArtifact Tags = new(typeof(TagAudioTask), "artifacts/tags", ".json");

    public override IReadOnlyList<Artifact> Reads => [CollectTask.Catalog, DownloadTask.Audio];

    public override IReadOnlyList<Artifact> Writes => [Tags];

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
                context, DownloadTask.Audio, Tags, ct),
            Run = async (run, ct) =>
            {
                var backend = await tagger.Value;
                var tags = await backend.TagAsync(run.Input(0), ct);
                await AnalysisJson.WriteAsync(run.Output(0), TagsFile.Of(Path.GetFileName(run.Input(0)), backend.Name, tags), ct);
            },
        };
    }
}
