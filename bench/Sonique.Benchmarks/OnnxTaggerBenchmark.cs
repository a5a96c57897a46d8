using System.Diagnostics;
using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Onnx;
using Sonique.Media;
using Sonique.Tests.Shared.Onnx;
using static System.FormattableString;
using static Sonique.Benchmarks.Markdown;

namespace Sonique.Benchmarks;

/// <summary>
/// TagAudio's onnx backend on the clips the analysis suite wrote, ONNX Runtime on one thread: the clip read
/// once (tempo rate as a plain read, model rate resampled in process) against the two reads it replaced, the
/// mel front end alone, and whole tagging with a trivial model and with a network of msd-musicnn-1's shape and
/// size (random weights). Patches per second and the real-time factor (wall seconds per second of audio).
/// </summary>
internal static class OnnxTaggerBenchmark
{
    public static async Task<string> RunAsync(string scratch, IReadOnlyList<string> wavs, double clipSeconds, CancellationToken cancellationToken)
    {
        var ffmpeg = new Ffmpeg();
        var reader = new AudioReader(ffmpeg);
        var folder = Path.Combine(scratch, "onnx");
        Directory.CreateDirectory(folder);
        var labels = EssentiaMetadata.Write(Path.Combine(folder, "musicnn.json"), [.. Enumerable.Range(0, MusicnnShapedModel.Classes).Select(i => $"tag {i}")]);
        var musicnn = MusicnnShapedModel.Write(Path.Combine(folder, "musicnn.onnx"));
        var tones = EssentiaMetadata.Write(Path.Combine(folder, "tones.json"), ["low", "mid", "high"]);
        var bandGroups = BandGroupModel.Musicnn().WriteTo(folder, "tones.onnx");
        var media = wavs.Count * clipSeconds;

        Progress.Say("onnx: one read for both rates, against a plain read and an ffmpeg decode at 16 kHz");
        await reader.ReadForModelAsync(wavs[0], 22050, 16000, cancellationToken);
        var once = await AnalysisBenchmark.TimeEachAsync(wavs, p => reader.ReadForModelAsync(p, 22050, 16000, cancellationToken));
        var twice = await AnalysisBenchmark.TimeEachAsync(wavs, async p =>
        {
            await reader.ReadAsync(p, 22050, cancellationToken);
            await ffmpeg.RunAsync(["-i", Path.GetFullPath(p), "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "-"], Stream.Null, cancellationToken);
        });

        var audio = new List<MonoAudio>();
        foreach (var wav in wavs)
        {
            audio.Add((await reader.ReadForModelAsync(wav, 22050, 16000, cancellationToken)).Model);
        }

        var frontEnd = new MelFrontEnd(new MelFrontEndOptions());
        var patches = audio.Sum(a => a.Chunks(10).Sum(c => frontEnd.Patches(c).Count));
        Progress.Say("onnx: the mel front end alone");
        var melOnly = Time(() => audio.ForEach(a => a.Chunks(10).ToList().ForEach(c => frontEnd.Patches(c))));

        var rows = new List<IReadOnlyList<string>>
        {
            Row("read once: 22.05 kHz as before + 16 kHz resampled", media, null, once),
            Row("read twice, as before: 22.05 kHz + ffmpeg at 16 kHz (reference)", media, null, twice),
            Row("mel front end alone (16 kHz, 96 bands, 187-frame patches)", media, patches, melOnly),
        };
        foreach (var (name, model, labelsPath) in new[] { ("band-group model (3 classes)", bandGroups, tones), ("msd-musicnn-1-shaped model (50 classes)", musicnn, labels) })
        {
            var options = new OnnxTaggerOptions { ModelPath = model, LabelsPath = labelsPath, Threads = 1 };
            using var tagger = await OnnxTagger.CreateAsync(options, reader, cancellationToken);
            Progress.Say($"onnx: {name}, activations alone and whole TagAudio");
            tagger.ActivationsByChunk(audio[0], cancellationToken);
            var activations = Time(() => audio.ForEach(a => tagger.ActivationsByChunk(a, cancellationToken)));
            var tagging = await AnalysisBenchmark.TimeEachAsync(wavs, p => tagger.TagAsync(p, cancellationToken));
            rows.Add(Row($"front end + {name}", media, patches, activations));
            rows.Add(Row($"TagAudio onnx, {name}: read, tempo, tags", media, patches, tagging));
        }

        return "### TagAudio onnx backend, ONNX Runtime on one thread\n\n"
            + Invariant($"{wavs.Count} clips of {clipSeconds:F0} s, {patches} patches. Reading once against the two reads it replaced: {twice / once:F2}x faster. ")
            + "Real-time factor: wall seconds per second of audio (lower is faster).\n\n"
            + Table(["work", "audio s", "wall s", "patches/s", "real-time factor"], rows) + "\n";
    }

    private static IReadOnlyList<string> Row(string work, double audioSeconds, int? patches, double wallSeconds) =>
    [
        work,
        Number(audioSeconds, "F0"),
        Number(wallSeconds, "F3"),
        patches is null ? "" : Number(patches.Value / wallSeconds, "F0"),
        Number(wallSeconds / audioSeconds, "F4"),
    ];

    private static double Time(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalSeconds;
    }
}
