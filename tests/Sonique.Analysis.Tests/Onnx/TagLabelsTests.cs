using Sonique.Analysis.Audio.Onnx;
using Sonique.Tests.Shared;

namespace Sonique.Analysis.Tests.Onnx;

public sealed class TagLabelsTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("labels-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Essentia_metadata_names_the_labels_in_its_classes_array()
    {
        var path = await WriteAsync("mtg_jamendo_genre.json", """
            {
              "name": "MTG-Jamendo genre",
              "type": "multi-label classifier",
              "classes": ["60s", "hiphop", "electronic"],
              "schema": { "inputs": [{ "name": "model/Placeholder", "shape": [187, 96] }] },
              "inference": { "sample_rate": 16000 }
            }
            """);

        var labels = await TagLabels.ReadAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(["60s", "hiphop", "electronic"], labels.Names);
        Assert.Equal(path, labels.Source);
    }

    [Fact]
    public async Task A_json_array_names_the_labels_in_order()
    {
        var path = await WriteAsync("labels.json", """  ["rock", " female vocals ", "piano"]  """);

        var labels = await TagLabels.ReadAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(["rock", "female vocals", "piano"], labels.Names);
    }

    [Fact]
    public async Task A_text_file_has_one_label_a_line_and_blank_lines_do_not_count()
    {
        var path = await WriteAsync("labels.txt", "rock\r\n  hip hop  \r\n\r\npiano\n\n");

        var labels = await TagLabels.ReadAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(["rock", "hip hop", "piano"], labels.Names);
        Assert.Equal(3, labels.Count);
    }

    [Theory]
    [InlineData("female vocals", "Female Vocals")]
    [InlineData("hip-hop", "Hip-Hop")]
    [InlineData("male_vocals", "Male Vocals")]
    [InlineData("EDM", "EDM")]
    [InlineData("80s", "80s")]
    [InlineData("drum and bass (liquid)", "Drum And Bass (Liquid)")]
    public void A_label_becomes_a_tag_with_every_word_capitalised(string label, string tag)
    {
        var labels = TagLabels.Parse(label, "inline");

        Assert.Equal(tag, labels.Tag(0));
    }

    [Fact]
    public async Task A_missing_labels_file_is_refused_naming_its_path()
    {
        var missing = Path.Combine(_dir, "absent", "labels.txt");

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TagLabels.ReadAsync(missing, TestContext.Current.CancellationToken));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_object_without_a_classes_array_is_refused_naming_the_file()
    {
        var path = await WriteAsync("metadata.json", """{ "name": "genre", "labels": ["rock"] }""");

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TagLabels.ReadAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("\"classes\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broken_json_is_refused_naming_the_file()
    {
        var path = await WriteAsync("broken.json", """{ "classes": ["rock", """);

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TagLabels.ReadAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_label_that_is_not_a_string_is_refused_naming_its_position()
    {
        var path = await WriteAsync("numbers.json", """["rock", 7, "piano"]""");

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TagLabels.ReadAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("7 as label 2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty.txt", "")]
    [InlineData("blank.txt", "\n  \n\r\n")]
    [InlineData("empty.json", "[]")]
    [InlineData("no-classes.json", """{ "classes": [] }""")]
    public async Task A_labels_file_without_labels_is_refused_naming_it(string name, string text)
    {
        var path = await WriteAsync(name, text);

        var e = await Assert.ThrowsAsync<OnnxTaggerLoadException>(() => TagLabels.ReadAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("holds no labels", e.Message, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        return path;
    }
}
