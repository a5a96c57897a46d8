using System.Globalization;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Ingest.Samples;
using Sonique.Ingest.Sources;
using Sonique.Media.Clips;

namespace Sonique.Build.Tasks;

/// <summary>The built-in sample library, synthesised clip by clip when a profile uses it (the default does).</summary>
[TaskName("SampleLibrary")]
[TaskDescription("Synthesise the built-in sample library (video, music, ground truth) from its seed")]
public sealed class SampleLibraryTask : StageTask
{
    /// <summary>Each sample clip's video, named by its id ("sample-0001").</summary>
    public static readonly ClipArtifact Video = new(typeof(SampleLibraryTask), "artifacts/samples", ".mp4");

    /// <summary>Each sample clip's ground truth (tempo, key, mood, colours).</summary>
    public static readonly ClipArtifact Truth = new(typeof(SampleLibraryTask), Video.Folder, ".json");

    public override IReadOnlyList<Artifact> Reads => [];

    public override IReadOnlyList<Artifact> Writes => [Video, Truth];

    public override StageDefinition Define(SoniqueContext context)
    {
        var library = context.Config.Collect.ToSources(context.Config.Samples, Video.Folder).OfType<SampleLibrarySource>().FirstOrDefault();
        var writer = new SampleClipWriter(context.Config.Tools.CreateFfmpeg());
        // Each clip is planned when its item runs, not all of them up front: Status and a fresh rerun plan none.
        return new ItemStage("SampleLibrary", version: 1)
        {
            Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>(library is null ? [] : Enumerable.Range(1, library.Count).Select(SampleLibrary.IdOf).Select(ClipId.Parse).Select(id => new StageItem(
                id.Value,
                [],
                [Video.Of(id), Truth.Of(id)])
            {
                Values = new Dictionary<string, string>
                {
                    ["seed"] = library.Seed.ToString(CultureInfo.InvariantCulture),
                    ["seconds"] = library.Seconds.ToString(CultureInfo.InvariantCulture),
                },
            }).ToList()),
            Run = (run, ct) => writer.WriteAsync(SampleLibrary.Clip(library!.Seed, SampleLibrary.NumberOf(run.Key), library.Seconds), run.Output(0), run.Output(1), ct),
        };
    }
}
