using System.Globalization;
using Sonique.Build.Frosting;
using Sonique.Build.Host;
using Sonique.Engine;
using Sonique.Ingest.Samples;
using Sonique.Ingest.Sources;

namespace Sonique.Build.Tasks;

/// <summary>The built-in sample library, synthesised clip by clip when a profile uses it (the default does).</summary>
[TaskName("SampleLibrary")]
[TaskDescription("Synthesise the built-in sample library (video, music, ground truth) from its seed")]
public sealed class SampleLibraryTask : StageTask
{
    public override StageDefinition Define(SoniqueContext context)
    {
        var library = context.Config.Collect.ToSources(context.Config.Samples, ArtifactPaths.Samples).OfType<SampleLibrarySource>().FirstOrDefault();
        var clips = library is null ? [] : SampleLibrary.Plan(library.Seed, library.Count, library.Seconds);
        var byId = clips.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var writer = new SampleClipWriter(context.Config.Tools.CreateFfmpeg());
        return new ItemStage("SampleLibrary", version: 1)
        {
            Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>(clips.Select(clip => new StageItem(
                clip.Id,
                [],
                [$"{ArtifactPaths.Samples}/{clip.Id}.mp4", $"{ArtifactPaths.Samples}/{clip.Id}.json"])
            {
                Values = new Dictionary<string, string>
                {
                    ["seed"] = library!.Seed.ToString(CultureInfo.InvariantCulture),
                    ["seconds"] = library.Seconds.ToString(CultureInfo.InvariantCulture),
                },
            }).ToList()),
            Run = (run, ct) => writer.WriteAsync(byId[run.Key], run.Output(0), run.Output(1), ct),
        };
    }
}
