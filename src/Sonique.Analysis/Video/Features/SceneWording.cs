using System.Globalization;

namespace Sonique.Analysis.Video.Features;

/// <summary>
/// Puts <see cref="SceneFeatures"/> into a few plain sentences, the same words for the same numbers:
/// <code>
/// light       dark (luma &lt; 60), dim (&lt; 100), softly lit (&lt; 150), bright
/// colour      muted (saturation &lt; 0.25), soft (&lt; 0.5), vivid
/// pace        slow (typical shot ≥ 5 s), moderate (≥ 1.8 s), fast (below)
/// movement    still (&lt; 1 per second of luma change), gentle (&lt; 4), steady (&lt; 12), rapid
/// </code>
/// </summary>
public static class SceneWording
{
    public static string Pace(SceneFeatures scene) =>
        scene.ShotSeconds >= 5 ? "slow" : scene.ShotSeconds >= 1.8 ? "moderate" : "fast";

    public static string Light(SceneFeatures scene) =>
        scene.Brightness < 60 ? "dark" : scene.Brightness < 100 ? "dim" : scene.Brightness < 150 ? "softly lit" : "bright";

    public static string Describe(SceneFeatures scene)
    {
        var colours = scene.Colours.Select(c => c.Name).Take(3).ToList();
        var palette = colours.Count switch
        {
            0 => "a mix of many colours",
            1 => colours[0],
            _ => $"{string.Join(", ", colours.Take(colours.Count - 1))} and {colours[^1]}",
        };
        var saturation = scene.Saturation < 0.25 ? "muted" : scene.Saturation < 0.5 ? "soft" : "vivid";
        var movement = scene.Motion < 1 ? "still" : scene.Motion < 4 ? "gentle" : scene.Motion < 12 ? "steady" : "rapid";
        var dominant = colours.Count > 0 ? colours[0] : "no single colour";
        var cuts = scene.Cuts.Count switch
        {
            0 => "a single continuous shot",
            1 => "one cut",
            var n => $"{n} cuts",
        };

        return string.Create(CultureInfo.InvariantCulture,
            $"A {Light(scene)} scene in {saturation} {palette}, dominated by {dominant}. " +
            $"Movement within shots is {movement}. " +
            $"The pace is {Pace(scene)}: {cuts} in {scene.Seconds:0} seconds, shots of about {scene.ShotSeconds:0.#} seconds.");
    }
}
