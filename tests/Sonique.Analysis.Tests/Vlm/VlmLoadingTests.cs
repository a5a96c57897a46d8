using Sonique.Analysis.Video.Vlm;
using Sonique.Media;
using Sonique.Tests.Shared;
using Sonique.Tests.Shared.Models;

namespace Sonique.Analysis.Tests.Vlm;

/// <summary>
/// The VLM backend's loading, with the real code and files the tests write: every wrong file is refused with its
/// path and what is wrong with it, before llama.cpp sees it; a GGUF llama.cpp cannot load fails as an exception
/// naming both files, not as a crash. No vision-language weights exist offline, so nothing here generates text.
/// </summary>
public sealed class VlmLoadingTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("vlm-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string LanguageModel(string name = "model.gguf") => GgufFile.Write(PathOf(name), "llama");

    private string Projector(string name = "mmproj.gguf") => GgufFile.Write(PathOf(name), "clip");

    private static async Task<VlmLoadException> RefusedAsync(string model, string projector, Func<VlmOptions, VlmOptions>? change = null)
    {
        var options = new VlmOptions { ModelPath = model, ProjectorPath = projector };
        return await Assert.ThrowsAsync<VlmLoadException>(() =>
            VlmDescriber.LoadAsync(change is null ? options : change(options), new Ffmpeg(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_missing_model_is_refused_naming_the_file()
    {
        var model = PathOf("absent-model.gguf");

        var error = await RefusedAsync(model, Projector());

        Assert.Contains($"'{model}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("model", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_projector_is_refused_naming_the_file()
    {
        var projector = PathOf("absent-mmproj.gguf");

        var error = await RefusedAsync(LanguageModel(), projector);

        Assert.Contains($"projector file '{projector}' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_of_junk_bytes_is_refused_as_not_gguf_naming_the_file()
    {
        var model = PathOf("junk.gguf");
        await File.WriteAllBytesAsync(model, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 + 3)).ToArray(), TestContext.Current.CancellationToken);

        var error = await RefusedAsync(model, Projector());

        Assert.Contains($"model '{model}' is not a usable GGUF file", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not start with the GGUF magic bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_projector_is_refused_as_not_gguf_naming_the_file()
    {
        var projector = PathOf("empty.gguf");
        await File.WriteAllBytesAsync(projector, [], TestContext.Current.CancellationToken);

        var error = await RefusedAsync(LanguageModel(), projector);

        Assert.Contains($"projector '{projector}' is not a usable GGUF file", error.Message, StringComparison.Ordinal);
        Assert.Contains("it is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gguf_cut_short_is_refused_as_truncated()
    {
        var whole = await File.ReadAllBytesAsync(GgufFile.Write(PathOf("whole.gguf"), "clip"), TestContext.Current.CancellationToken);
        var projector = PathOf("cut.gguf");
        await File.WriteAllBytesAsync(projector, whole[..(whole.Length - 3)], TestContext.Current.CancellationToken);

        var error = await RefusedAsync(LanguageModel(), projector);

        Assert.Contains($"projector '{projector}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_projector_that_is_a_language_model_is_refused_naming_the_file()
    {
        var projector = LanguageModel("another-model.gguf");

        var error = await RefusedAsync(LanguageModel(), projector);

        Assert.Contains($"projector '{projector}' is not a multimodal projector", error.Message, StringComparison.Ordinal);
        Assert.Contains("language model (GGUF architecture 'llama')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_projector_without_an_architecture_is_refused_naming_the_file()
    {
        var projector = GgufFile.Write(PathOf("nameless.gguf"), architecture: null);

        var error = await RefusedAsync(LanguageModel(), projector);

        Assert.Contains($"projector '{projector}' is not a multimodal projector", error.Message, StringComparison.Ordinal);
        Assert.Contains("no general.architecture", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_projector_given_as_the_model_is_refused_naming_the_file()
    {
        var model = Projector("mmproj-as-model.gguf");

        var error = await RefusedAsync(model, Projector());

        Assert.Contains($"model '{model}' is a multimodal projector (GGUF architecture 'clip'), not a language model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_swapped_model_and_projector_are_named_as_swapped()
    {
        var model = Projector();
        var projector = LanguageModel();

        var error = await RefusedAsync(model, projector);

        Assert.Contains("swapped", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{model}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{projector}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setting_out_of_range_is_refused_before_any_file_is_read()
    {
        var error = await RefusedAsync(PathOf("absent.gguf"), PathOf("absent-mmproj.gguf"), o => o with { Frames = 0 });

        Assert.Contains("frames must be between 1 and 64, not 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_gguf_llama_cpp_cannot_load_fails_with_both_files_named_instead_of_crashing()
    {
        // A real projector and a language model's header of the matching width with no vocabulary or tensors: the
        // checks pass it and llama.cpp's own loader refuses it.
        var ct = TestContext.Current.CancellationToken;
        var model = PathOf("header-only.gguf");
        await new Sonique.Gguf.GgufWriter()
            .Add(Sonique.Gguf.GgufFile.ArchitectureKey, "llama")
            .Add("llama.embedding_length", (uint)LlavaShape.Tiny.TextDimension)
            .Add("llama.block_count", 1u)
            .WriteAsync(model, ct);
        var projector = await LlavaPair.WriteProjectorAsync(PathOf("mmproj.gguf"), LlavaShape.Tiny, seed: 1, ct);

        var error = await RefusedAsync(model, projector);

        Assert.StartsWith("Loading the VLM language model failed", error.Message, StringComparison.Ordinal);
        Assert.Contains($"model '{model}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"projector '{projector}'", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [Theory]
    [InlineData("clip.vision.image_size")]
    [InlineData("clip.vision.image_mean")]
    [InlineData("clip.vision.attention.head_count")]
    public async Task A_projector_without_the_vision_metadata_llama_cpp_needs_is_refused_naming_the_key(string key)
    {
        // clip.cpp aborts the whole process on a missing image_mean; the check names the file and the key instead.
        var projector = PathOf("bare-mmproj.gguf");
        await LlavaPair.ProjectorHeader(LlavaShape.Tiny, key).WriteAsync(projector, TestContext.Current.CancellationToken);

        var error = await RefusedAsync(LanguageModel(), projector);

        Assert.Equal($"The VLM projector '{projector}' lacks the vision metadata llama.cpp needs: {key}.", error.Message);
    }

    [Fact]
    public async Task A_projector_for_sound_only_is_refused_naming_the_file()
    {
        var projector = PathOf("audio-mmproj.gguf");
        var writer = LlavaPair.ProjectorHeader(LlavaShape.Tiny, "clip.has_vision_encoder").Add("clip.has_vision_encoder", false);
        await writer.WriteAsync(projector, TestContext.Current.CancellationToken);

        var error = await RefusedAsync(LanguageModel(), projector);

        Assert.Equal($"The VLM projector '{projector}' has no vision encoder (clip.has_vision_encoder is false), so it cannot see frames.", error.Message);
    }

    [Fact]
    public async Task A_projector_whose_output_size_does_not_match_the_model_is_refused_naming_both_files()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = PathOf("wide-model.gguf");
        await new Sonique.Gguf.GgufWriter()
            .Add(Sonique.Gguf.GgufFile.ArchitectureKey, "llama")
            .Add("llama.embedding_length", 4096u)
            .WriteAsync(model, ct);
        var projector = await LlavaPair.WriteProjectorAsync(PathOf("mmproj.gguf"), LlavaShape.Tiny, seed: 1, ct);

        var error = await RefusedAsync(model, projector);

        Assert.Equal(
            $"The VLM projector '{projector}' gives embeddings of 64 values (mm.2.weight) but the model '{model}' reads 4096 " +
            "(llama.embedding_length): they are not made for each other.",
            error.Message);
    }
}
