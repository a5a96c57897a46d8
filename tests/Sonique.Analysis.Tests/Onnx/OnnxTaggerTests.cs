using System.Globalization;
using Sonique.Analysis.Audio;
using Sonique.Analysis.Audio.Features;
using Sonique.Analysis.Audio.Onnx;
using Sonique.Media;
using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Onnx;

namespace Sonique.Analysis.Tests.Onnx;

/// <summary>
/// The ONNX backend on the real ONNX Runtime, with models the tests write (<see cref="BandGroupModel"/>): with
/// 96 Slaney bands up to 8 kHz, bands 0-31 lie below about 1 kHz, 32-63 below about 2.9 kHz and 64-95 above,
/// so a 300 Hz tone is the "low tone" class, 2 kHz the "mid tone" and 5 kHz the "high tone". The labels are in
/// Essentia's metadata JSON, as Essentia publishes them beside its models.
/// </summary>
[Trait("Tier", "Tool")] // ffmpeg resamples the tones to the model's rate
public sealed class OnnxTaggerTests : IDisposable
{
    private static readonly string[] ToneLabels = ["low tone", "mid tone", "high tone"];

    private readonly string _dir = TempFolder.Create("onnx-");
    private readonly AudioReader _reader = new(new Ffmpeg());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(300, "Low Tone")]
    [InlineData(2000, "Mid Tone")]
    [InlineData(5000, "High Tone")]
    public async Task A_tone_is_tagged_with_the_class_that_hears_its_mel_band(double hertz, string tag)
    {
        using var tagger = await TaggerAsync(o => o with { TopK = null, Threshold = 0.5 });

        var tags = await tagger.TagAsync(Tone(hertz), TestContext.Current.CancellationToken);

        Assert.Equal([tag], tags.Tags);
    }

    [Fact]
    public async Task Top_k_keeps_the_k_strongest_classes_strongest_first()
    {
        using var two = await TaggerAsync(o => o with { TopK = 2, Threshold = null });
        using var one = await TaggerAsync(o => o with { TopK = 1, Threshold = null });
        var clip = Tone(2000);

        var ofTwo = await two.TagAsync(clip, TestContext.Current.CancellationToken);
        var ofOne = await one.TagAsync(clip, TestContext.Current.CancellationToken);

        Assert.Equal(2, ofTwo.Tags.Count);
        Assert.Equal("Mid Tone", ofTwo.Tags[0]);
        Assert.Equal(["Mid Tone"], ofOne.Tags);
    }

    [Fact]
    public async Task A_threshold_lets_through_every_class_at_or_above_it_and_top_k_still_caps_them()
    {
        using var low = await TaggerAsync(o => o with { TopK = null, Threshold = 0.01 });
        using var lowCapped = await TaggerAsync(o => o with { TopK = 2, Threshold = 0.01 });
        var clip = Tone(5000);

        var all = await low.TagAsync(clip, TestContext.Current.CancellationToken);
        var capped = await lowCapped.TagAsync(clip, TestContext.Current.CancellationToken);

        Assert.Equal(3, all.Tags.Count);
        Assert.Equal("High Tone", all.Tags[0]);
        Assert.Equal(all.Tags.Take(2), capped.Tags);
    }

    [Fact]
    public async Task Max_tags_caps_what_a_threshold_lets_through()
    {
        // MaxTags counts the tempo tag, as the features backend's does: 3 leaves room for 2 classes.
        using var tagger = await TaggerAsync(o => o with { TopK = null, Threshold = 0, MaxTags = 3 });

        var tags = await tagger.TagAsync(Tone(300), TestContext.Current.CancellationToken);

        Assert.Equal(2, tags.Tags.Count);
        Assert.Equal("Low Tone", tags.Tags[0]);
    }

    [Fact]
    public async Task Each_chunk_is_tagged_on_its_own_and_the_clip_by_the_mean_of_the_chunks()
    {
        using var tagger = await TaggerAsync(o => o with { TopK = null, Threshold = 0.3 });
        var clip = ToneWav.Write(Path.Combine(_dir, "two-parts.wav"), (300, 10), (5000, 10));

        var tags = await tagger.TagAsync(clip, TestContext.Current.CancellationToken);

        Assert.Equal(2, tags.Chunks.Count);
        Assert.Equal(["Low Tone"], tags.Chunks[0]);
        Assert.Equal(["High Tone"], tags.Chunks[1]);
        Assert.Equal(["High Tone", "Low Tone"], tags.Tags.Order(StringComparer.Ordinal));
        Assert.Equal("2", tags.Details["chunks"]);
    }

    [Theory]
    [InlineData(MelLayout.BatchFramesMels, false)]
    [InlineData(MelLayout.BatchFramesMels, true)]
    [InlineData(MelLayout.BatchMelsFrames, false)]
    [InlineData(MelLayout.BatchMelsFrames, true)]
    [InlineData(MelLayout.BatchChannelFramesMels, false)]
    [InlineData(MelLayout.BatchChannelMelsFrames, true)]
    public async Task Every_input_layout_reads_the_tone_when_the_tagger_is_told_it(MelLayout layout, bool fixedDims)
    {
        // Fixed dims make a model of batch size 1, fed one patch at a time; open ones take a chunk's patches at once.
        object batch = fixedDims ? 1 : "batch";
        object frames = fixedDims ? 187 : "frames";
        var model = layout switch
        {
            MelLayout.BatchFramesMels => new BandGroupModel { InputShape = [batch, frames, 96], FrameAxes = [1] },
            MelLayout.BatchMelsFrames => new BandGroupModel { InputShape = [batch, 96, frames], FrameAxes = [2] },
            MelLayout.BatchChannelFramesMels => new BandGroupModel { InputShape = [batch, 1, frames, 96], FrameAxes = [1, 2] },
            _ => new BandGroupModel { InputShape = [batch, 1, 96, frames], FrameAxes = [1, 3] },
        };
        using var tagger = await TaggerAsync(o => o with { Layout = layout, TopK = null, Threshold = 0.5 }, model);

        var tags = await tagger.TagAsync(Tone(2000, seconds: 12), TestContext.Current.CancellationToken);

        Assert.Equal(["Mid Tone"], tags.Tags);
    }

    [Fact]
    public async Task A_model_whose_input_shape_differs_from_the_front_end_is_refused_naming_both()
    {
        var fewerBands = new BandGroupModel { InputShape = ["batch", "frames", 64], FrameAxes = [1], Mels = 64 };
        var transposed = new BandGroupModel { InputShape = ["batch", 96, 187], FrameAxes = [2] };

        var bands = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(model: fewerBands));
        var layout = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(model: transposed));

        Assert.Contains("a Float tensor [batch, frames, 64]", bands.Message, StringComparison.Ordinal);
        Assert.Contains("[batch, 187, 96]", bands.Message, StringComparison.Ordinal);
        Assert.Contains("a Float tensor [batch, 96, 187]", layout.Message, StringComparison.Ordinal);
        Assert.Contains("[batch, 187, 96]", layout.Message, StringComparison.Ordinal);
        Assert.Contains("BatchFramesMels", layout.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MelLayout.BatchFramesMels, false)]
    [InlineData(MelLayout.BatchFramesMels, true)]
    [InlineData(MelLayout.BatchMelsFrames, false)]
    [InlineData(MelLayout.BatchChannelFramesMels, true)]
    [InlineData(MelLayout.BatchChannelMelsFrames, false)]
    public async Task The_model_is_fed_each_patch_in_the_layout_its_contract_names(MelLayout layout, bool fixedBatch)
    {
        // Small patches (20 frames of 8 bands) keep the echoed output to 160 values; two patches make a batch.
        var frontEnd = new MelFrontEndOptions { MelBands = 8, PatchFrames = 20, PatchHop = 7 };
        var model = PatchEchoModel.Write(Path.Combine(_dir, "echo.onnx"), layout, frames: 20, mels: 8, fixedBatch);
        var labels = Labels("echo.txt", [.. Enumerable.Range(0, 160).Select(i => $"frame {i / 8} band {i % 8}")]);
        var options = new OnnxTaggerOptions { ModelPath = model, LabelsPath = labels, FrontEnd = frontEnd, Layout = layout };
        using var tagger = await OnnxTagger.CreateAsync(options, _reader, TestContext.Current.CancellationToken);
        var noise = new Random(3);
        var audio = new MonoAudio([.. Enumerable.Range(0, frontEnd.PatchSamples + (7 * 256)).Select(_ => (float)noise.NextDouble() - 0.5f)], 16000);

        var echoed = tagger.ActivationsByChunk(audio, TestContext.Current.CancellationToken).Single();

        var patches = new MelFrontEnd(frontEnd).Patches(audio);
        Assert.Equal(2, patches.Count);
        for (var t = 0; t < 20; t++)
        {
            for (var m = 0; m < 8; m++)
            {
                Assert.Equal((patches[0][t][m] + patches[1][t][m]) / 2, echoed[(t * 8) + m], 1e-4f);
            }
        }
    }

    [Fact]
    public async Task A_model_that_does_not_fit_is_refused_before_onnx_runtime_loads_it()
    {
        // ONNX Runtime would refuse this graph for its operator; the tagger's own reading of the file refuses it
        // first, for its input.
        var model = new OnnxGraph("unloadable")
            .Input("mel", "batch", 187, 64)
            .Node("NotAnOnnxOperator", ["mel"], "activations")
            .Output("activations", "batch", 3);
        var path = Path.Combine(_dir, "unloadable.onnx");
        await File.WriteAllBytesAsync(path, model.ToBytes(), TestContext.Current.CancellationToken);
        var fitting = new OnnxGraph("unloadable")
            .Input("mel", "batch", 187, 96)
            .Node("NotAnOnnxOperator", ["mel"], "activations")
            .Output("activations", "batch", 3);
        var fittingPath = Path.Combine(_dir, "fitting.onnx");
        await File.WriteAllBytesAsync(fittingPath, fitting.ToBytes(), TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(o => o with { ModelPath = path }));
        var failed = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(o => o with { ModelPath = fittingPath }));

        Assert.Contains($"'{path}' takes a Float tensor [batch, 187, 64] as input 'mel'", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"'{fittingPath}' cannot be loaded as an ONNX model", failed.Message, StringComparison.Ordinal);
        Assert.Contains("NotAnOnnxOperator", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_that_scores_more_classes_than_the_essentia_metadata_names_is_refused()
    {
        var model = BandGroupModel.Musicnn(classes: 4);

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(model: model));

        Assert.Contains("scores 4 classes (output 'activations')", e.Message, StringComparison.Ordinal);
        Assert.Contains("tagger.json' names 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wav_clip_is_read_once_and_resampled_in_process_without_ffmpeg()
    {
        // Download leaves 44.1 kHz WAVs: the tempo's 22.05 kHz and the model's 16 kHz both come from one read.
        var noFfmpeg = new AudioReader(new Ffmpeg(ffmpegPath: Path.Combine(_dir, "no-ffmpeg-here")));
        using var tagger = await TaggerAsync(o => o with { TopK = 1 }, reader: noFfmpeg);

        var tags = await tagger.TagAsync(Tone(5000), TestContext.Current.CancellationToken);

        Assert.Equal(["High Tone"], tags.Tags);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // a shell script stands in front of ffmpeg to count its runs
    public async Task A_clip_ffmpeg_must_decode_is_decoded_once()
    {
        var flac = Path.Combine(_dir, "tone.flac");
        await ExternalTool.RunAsync("ffmpeg", ["-v", "error", "-i", Tone(2000), flac], TestContext.Current.CancellationToken);
        var log = Path.Combine(_dir, "ffmpeg-runs.log");
        var counting = Path.Combine(_dir, "ffmpeg");
        await File.WriteAllTextAsync(counting, $"#!/bin/sh\necho run >> '{log}'\nexec ffmpeg \"$@\"\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(counting, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var tagger = await TaggerAsync(o => o with { TopK = 1 }, reader: new AudioReader(new Ffmpeg(ffmpegPath: counting)));

        var tags = await tagger.TagAsync(flac, TestContext.Current.CancellationToken);

        Assert.Equal(["Mid Tone"], tags.Tags);
        Assert.Single(await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_model_whose_output_width_differs_from_the_labels_is_refused_naming_both()
    {
        var labels = Labels("four.txt", [.. ToneLabels, "silence"]);

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(o => o with { LabelsPath = labels }));

        Assert.Contains("scores 3 classes", e.Message, StringComparison.Ordinal);
        Assert.Contains("names 4", e.Message, StringComparison.Ordinal);
        Assert.Contains(labels, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_model_is_refused_naming_its_path()
    {
        var missing = Path.Combine(_dir, "nowhere", "tagger.onnx");

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(o => o with { ModelPath = missing }));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_not_an_onnx_model_are_refused_naming_the_file()
    {
        var junk = Path.Combine(_dir, "junk.onnx");
        await File.WriteAllBytesAsync(junk, [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 37) + 11))], TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(o => o with { ModelPath = junk }));

        Assert.Contains(junk, e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be loaded as an ONNX model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_file_cut_short_is_refused_naming_the_file_and_where_it_ends()
    {
        var whole = BandGroupModel.Musicnn().ToBytes();
        var cut = Path.Combine(_dir, "cut.onnx");
        await File.WriteAllBytesAsync(cut, whole[..(whole.Length * 2 / 3)], TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(o => o with { ModelPath = cut }));

        Assert.Contains($"'{cut}' cannot be loaded as an ONNX model: field 7 runs", e.Message, StringComparison.Ordinal);
        Assert.Contains("past the end of its message", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_with_several_outputs_is_read_at_the_one_as_wide_as_the_labels_or_told_which()
    {
        // As Discogs-EffNet gives 400 style activations beside a 1280-wide embedding.
        var model = BandGroupModel.FramesByMels() with { PooledOutput = true };
        var fourLabels = Labels("four.txt", [.. ToneLabels, "silence"]);
        using var untold = await TaggerAsync(o => o with { TopK = 1 }, model);
        using var told = await TaggerAsync(o => o with { OutputName = "activations", TopK = 1 }, model);

        var ambiguous = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(o => o with { LabelsPath = fourLabels }, model));
        var wrong = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TaggerAsync(o => o with { OutputName = "embeddings" }, model));
        var tags = await untold.TagAsync(Tone(300), TestContext.Current.CancellationToken);
        var toldTags = await told.TagAsync(Tone(300), TestContext.Current.CancellationToken);

        Assert.Equal(["Low Tone"], tags.Tags);
        Assert.Equal(["Low Tone"], toldTags.Tags);
        Assert.Contains("2 outputs ('activations', 'pooled'), not exactly one of them scoring as many classes as the labels name", ambiguous.Message, StringComparison.Ordinal);
        Assert.Contains("OutputName", ambiguous.Message, StringComparison.Ordinal);
        Assert.Contains("no output 'embeddings'", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_workers_tagging_at_once_give_each_clip_its_own_tags()
    {
        using var tagger = await TaggerAsync(o => o with { TopK = 1 });
        var clips = new[] { (300.0, "Low Tone"), (2000.0, "Mid Tone"), (5000.0, "High Tone") }
            .SelectMany(tone => Enumerable.Range(0, 2).Select(copy => (Path: Tone(tone.Item1, name: $"{tone.Item1}-{copy}"), Tag: tone.Item2)))
            .ToList();
        var queue = new Queue<(string Path, string Tag)>(clips);
        var results = new List<(string Expected, string Got)>();

        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(
            async () =>
            {
                while (true)
                {
                    (string Path, string Tag) clip;
                    lock (queue)
                    {
                        if (!queue.TryDequeue(out clip))
                        {
                            return;
                        }
                    }

                    var tags = await tagger.TagAsync(clip.Path, TestContext.Current.CancellationToken);
                    lock (results)
                    {
                        results.Add((clip.Tag, tags.Tags.Single()));
                    }
                }
            },
            TestContext.Current.CancellationToken)));

        Assert.Equal(clips.Count, results.Count);
        Assert.All(results, r => Assert.Equal(r.Expected, r.Got));
    }

    [Fact]
    public async Task A_model_that_emits_logits_gets_the_activation_it_is_configured_with()
    {
        // Weak weights keep the logits close, so a softmax or sigmoid that is not what it claims shows.
        var logits = BandGroupModel.FramesByMels() with { Sigmoid = false, Weight = 0.05f };
        using var none = await TaggerAsync(o => o with { Activation = OutputActivation.None }, logits);
        using var softmax = await TaggerAsync(o => o with { Activation = OutputActivation.Softmax }, logits);
        using var sigmoid = await TaggerAsync(o => o with { Activation = OutputActivation.Sigmoid }, logits);
        var audio = await _reader.ReadAsync(Tone(2000), 16000, TestContext.Current.CancellationToken);

        var raw = none.ActivationsByChunk(audio, TestContext.Current.CancellationToken).Single();
        var soft = softmax.ActivationsByChunk(audio, TestContext.Current.CancellationToken).Single();
        var sig = sigmoid.ActivationsByChunk(audio, TestContext.Current.CancellationToken).Single();

        Assert.True(raw[1] > raw[0] + 0.5 && raw[1] > raw[2] + 0.5 && raw[1] < raw[0] + 5, $"logits {string.Join(", ", raw)}");
        var exp = raw.Select(v => Math.Exp(v)).ToArray();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(exp[i] / exp.Sum(), soft[i], 1e-3);
            Assert.Equal(1 / (1 + Math.Exp(-raw[i])), sig[i], 1e-3);
        }
    }

    [Fact]
    public async Task The_details_name_the_model_and_rank_every_class_by_activation()
    {
        using var tagger = await TaggerAsync();

        var tags = await tagger.TagAsync(Tone(2000), TestContext.Current.CancellationToken);

        Assert.Equal("tagger.onnx", tags.Details["model"]);
        var ranked = tags.Details["activations"].Split(", ");
        Assert.Equal(3, ranked.Length);
        Assert.StartsWith("Mid Tone ", ranked[0], StringComparison.Ordinal);
        var values = ranked.Select(r => double.Parse(r[(r.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values.OrderDescending(), values);
        Assert.InRange(values[0], 0.99, 1);
        Assert.InRange(values[2], 0.01, 0.1);
    }

    [Fact]
    public async Task The_tempo_is_the_tempo_estimators_rounded()
    {
        using var tagger = await TaggerAsync();
        var beats = Enumerable.Range(0, 20).SelectMany(_ => new[] { (1000.0, 0.08), (0.0, 0.52) }).ToArray();
        var clip = ToneWav.Write(Path.Combine(_dir, "beats.wav"), beats);

        var tags = await tagger.TagAsync(clip, TestContext.Current.CancellationToken);

        var estimate = TempoEstimator.EstimateBpm(await _reader.ReadAsync(clip, 22050, TestContext.Current.CancellationToken));
        Assert.Equal((int)Math.Round(estimate), tags.TempoBpm);
        Assert.InRange(tags.TempoBpm, 98, 102);
        Assert.EndsWith($", {tags.TempoBpm} BPM", tags.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_stops_the_model_between_chunks()
    {
        using var tagger = await TaggerAsync();
        var audio = await _reader.ReadAsync(Tone(2000, seconds: 30), 16000, TestContext.Current.CancellationToken);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.Throws<OperationCanceledException>(() => tagger.ActivationsByChunk(audio, cancelled.Token));
    }

    private async Task<OnnxTagger> TaggerAsync(Func<OnnxTaggerOptions, OnnxTaggerOptions>? configure = null, BandGroupModel? model = null, AudioReader? reader = null)
    {
        var options = new OnnxTaggerOptions
        {
            ModelPath = (model ?? BandGroupModel.FramesByMels()).WriteTo(_dir),
            LabelsPath = EssentiaMetadata.Write(Path.Combine(_dir, "tagger.json"), ToneLabels),
        };
        return await OnnxTagger.CreateAsync(configure?.Invoke(options) ?? options, reader ?? _reader, TestContext.Current.CancellationToken);
    }

    private string Labels(string name, string[] labels)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, labels);
        return path;
    }

    private string Tone(double hertz, double seconds = 8, string? name = null) =>
        ToneWav.Write(Path.Combine(_dir, $"{name ?? hertz.ToString(CultureInfo.InvariantCulture)}.wav"), (hertz, seconds));
}
