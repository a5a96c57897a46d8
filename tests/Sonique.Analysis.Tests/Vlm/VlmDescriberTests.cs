using System.Globalization;
using Sonique.Analysis.Video.Vlm;
using Sonique.Gguf;
using Sonique.Media;
using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Models;

namespace Sonique.Analysis.Tests.Vlm;

/// <summary>
/// The VLM backend run for real on a LLaVA-style pair the test writes (random weights, Llama 2's real vocabulary, the
/// projector's real tensor names and keys): llama.cpp loads both, the projector encodes every sampled frame, the
/// language model reads the image tokens and the prompt and samples the description.
/// </summary>
[Trait("Tier", "Tool")] // ffmpeg writes and decodes the clips; the vocabulary comes from the stories15M npm package
public sealed class VlmDescriberTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("vlm-run-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private async Task<VlmOptions> PairAsync(int maxTokens = 12, uint seed = 3)
    {
        var ct = TestContext.Current.CancellationToken;
        return new VlmOptions
        {
            ModelPath = await LlavaPair.WriteLanguageModelAsync(PathOf("model.gguf"), LlavaShape.Tiny, seed: 1, ct),
            ProjectorPath = await LlavaPair.WriteProjectorAsync(PathOf("mmproj.gguf"), LlavaShape.Tiny, seed: 2, ct),
            MaxTokens = maxTokens,
            Seed = seed,
            ContextSize = 1024,
            Threads = 2,
        };
    }

    /// <summary>A clip whose picture changes with <paramref name="hue"/>, so different clips give the projector different frames.</summary>
    private string Clip(string name, int hue, double seconds = 4)
    {
        var path = PathOf(name);
        TestMedia.Run("ffmpeg",
        [
            "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
            "-i", string.Create(CultureInfo.InvariantCulture, $"testsrc2=s=96x64:r=8:d={seconds},hue=h={hue}"),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path,
        ]);
        return path;
    }

    [Fact]
    public async Task The_written_pair_loads_and_the_projector_embeds_frames_at_its_own_image_size()
    {
        var options = await PairAsync();

        using var describer = await VlmDescriber.LoadAsync(options, new Ffmpeg(), TestContext.Current.CancellationToken);
        var description = await describer.DescribeAsync(Clip("one.mp4", 0), TestContext.Current.CancellationToken);

        Assert.Equal("8", description.Details["frames"]);
        Assert.Equal(LlavaShape.Tiny.ImageSize.ToString(CultureInfo.InvariantCulture), description.Details["frame_pixels"]);
        Assert.Equal("0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75", description.Details["frame_seconds"]);
        Assert.Equal(8 * LlavaShape.Tiny.Patches, int.Parse(description.Details["image_tokens"], CultureInfo.InvariantCulture));
        Assert.Equal(1, VlmDescriber.LoadsOf(options.ModelPath));
    }

    [Fact]
    public async Task Each_clip_gets_one_sampled_description_ending_at_max_tokens_or_the_end_marker()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = await PairAsync(maxTokens: 12);
        var clips = new[] { Clip("red.mp4", 0), Clip("green.mp4", 120), Clip("blue.mp4", 240) };

        using var describer = await VlmDescriber.LoadAsync(options, new Ffmpeg(), ct);
        var descriptions = new List<string>();
        foreach (var clip in clips)
        {
            var description = await describer.DescribeAsync(clip, ct);
            var tokens = int.Parse(description.Details["tokens"], CultureInfo.InvariantCulture);
            Assert.NotEmpty(description.Text);
            Assert.Equal(tokens == 12 ? "max_tokens" : "end", description.Details["finish"]);
            Assert.InRange(tokens, 1, 12);
            descriptions.Add(description.Text);
        }

        // The frames reach the language model: three different pictures, three different answers from one seed.
        Assert.Equal(3, descriptions.Distinct().Count());
        Assert.Equal(1, VlmDescriber.LoadsOf(options.ModelPath));
    }

    [Fact]
    public async Task The_same_seed_says_the_same_bytes_in_any_order_and_another_seed_says_something_else()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = await PairAsync();
        var first = Clip("first.mp4", 60);
        var second = Clip("second.mp4", 200);

        string once, again, other;
        using (var describer = await VlmDescriber.LoadAsync(options, new Ffmpeg(), ct))
        {
            once = (await describer.DescribeAsync(first, ct)).Text;
            await describer.DescribeAsync(second, ct);
            again = (await describer.DescribeAsync(first, ct)).Text;
        }

        using (var reseeded = await VlmDescriber.LoadAsync(options with { Seed = 99 }, new Ffmpeg(), ct))
        {
            other = (await reseeded.DescribeAsync(first, ct)).Text;
        }

        Assert.Equal(once, again);
        Assert.NotEqual(once, other);
    }

    [Fact]
    public async Task The_thread_count_does_not_change_the_description()
    {
        // Threads are left out of the stage's cache key on this ground.
        var ct = TestContext.Current.CancellationToken;
        var options = await PairAsync();
        var clip = Clip("threads.mp4", 90);

        var texts = new List<string>();
        foreach (var threads in new[] { 1, 2, 3 })
        {
            using var describer = await VlmDescriber.LoadAsync(options with { Threads = threads }, new Ffmpeg(), ct);
            texts.Add((await describer.DescribeAsync(clip, ct)).Text);
        }

        Assert.Single(texts.Distinct());
    }

    [Fact]
    public async Task A_clip_that_cannot_be_decoded_fails_alone_with_its_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = await PairAsync();
        var broken = PathOf("broken.mp4");
        await File.WriteAllBytesAsync(broken, Enumerable.Range(0, 5000).Select(i => (byte)(i * 31)).ToArray(), ct);
        var good = Clip("good.mp4", 30);

        using var describer = await VlmDescriber.LoadAsync(options, new Ffmpeg(), ct);
        var failure = await Assert.ThrowsAsync<ClipAnalysisException>(() => describer.DescribeAsync(broken, ct));
        var after = await describer.DescribeAsync(good, ct);

        Assert.StartsWith("corrupt or not media", failure.Message, StringComparison.Ordinal);
        Assert.NotEmpty(after.Text);
    }

    [Fact]
    public async Task A_projector_made_for_another_model_size_is_refused_before_llama_cpp_loads_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = await PairAsync();
        var wider = await LlavaPair.WriteProjectorAsync(PathOf("wide-mmproj.gguf"), LlavaShape.Tiny with { ProjectorOutput = 96 }, seed: 2, ct);

        var error = await Assert.ThrowsAsync<VlmLoadException>(() => VlmDescriber.LoadAsync(options with { ProjectorPath = wider }, new Ffmpeg(), ct));

        Assert.Equal(
            $"The VLM projector '{wider}' gives embeddings of 96 values (mm.2.weight) but the model '{options.ModelPath}' reads 64 " +
            "(llama.embedding_length): they are not made for each other.",
            error.Message);
        Assert.Equal(0, VlmDescriber.LoadsOf(options.ModelPath));
    }
}
