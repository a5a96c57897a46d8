namespace Sonique.Engine.Tests.Stages;

/// <summary>Parameters derived from an options object: every setting in, written as a profile writes it, except what
/// its declaration leaves out.</summary>
public sealed class StageParametersTests
{
    private static readonly StageParameters Parameters = new(member => member.Name.ToLowerInvariant(), path => "content of " + path);

    public enum Shape
    {
        Round,
        Square,
    }

    public sealed class Inner
    {
        public double Ratio { get; set; } = 0.1;

        public List<string> Names { get; set; } = ["a", "b, c"];
    }

    public sealed class Entry
    {
        public string? Name { get; set; }

        public int? Limit { get; set; }
    }

    public sealed class Options
    {
        public Shape Shape { get; set; } = Shape.Round;

        public float Scale { get; set; } = 0.9f;

        public bool Flag { get; set; } = true;

        public int? Unset { get; set; }

        public string Text { get; set; } = "as it is: [x]";

        [NotInCacheKey("threads do not change the result")]
        public int Threads { get; set; } = 4;

        [ContentHashed]
        public string? Model { get; set; } = "models/m.bin";

        [InCacheKeyWhen(nameof(Shape), Shape.Square)]
        public int Corners { get; set; } = 4;

        public Inner Inner { get; set; } = new();

        public List<Entry> Entries { get; set; } = [new Entry { Name = "one" }, new Entry { Name = "two", Limit = 3 }];

        /// <summary>Computed, not settable: not a setting.</summary>
        public int Twice => Threads * 2;
    }

    private static IReadOnlyDictionary<string, string> Of(Options options) => Parameters.Of([("o", null, options)]);

    [Fact]
    public void Every_setting_is_in_under_its_path_as_yaml_text()
    {
        Assert.Equal(new Dictionary<string, string>
        {
            ["o.shape"] = "round",
            ["o.scale"] = "0.9",
            ["o.flag"] = "true",
            ["o.unset"] = "null",
            ["o.text"] = "as it is: [x]",
            ["o.model"] = "content of models/m.bin",
            ["o.inner.ratio"] = "0.1",
            ["o.inner.names"] = "[a, \"b, c\"]",
            ["o.entries"] = "[{name: one}, {name: two, limit: 3}]",
        }, Of(new Options()));
    }

    [Fact]
    public void A_setting_counts_only_while_its_condition_holds()
    {
        var square = Of(new Options { Shape = Shape.Square, Corners = 5 });

        Assert.Equal("5", square["o.corners"]);
        Assert.Equal("square", square["o.shape"]);
        Assert.DoesNotContain("o.corners", Of(new Options { Corners = 5 }).Keys);
    }

    [Fact]
    public void Changing_a_setting_changes_the_parameters_unless_it_is_marked_as_not_in_the_key()
    {
        var before = Of(new Options());

        Assert.Equal(before, Of(new Options { Threads = 16 }));
        Assert.NotEqual(before, Of(new Options { Inner = new Inner { Ratio = 0.2 } }));
        Assert.NotEqual(before, Of(new Options { Entries = [new Entry { Name = "one" }] }));
        Assert.NotEqual(before, Of(new Options { Model = "models/other.bin" }));
    }

    [Fact]
    public void A_single_value_is_read_with_its_declarations_attributes()
    {
        var threads = typeof(Options).GetProperty(nameof(Options.Threads))!;
        var model = typeof(Options).GetProperty(nameof(Options.Model))!;

        var parameters = Parameters.Of([("threads", threads, 8), ("model", model, "m.gguf"), ("none", model, null), ("plain", null, "m.gguf")]);

        Assert.Equal(new Dictionary<string, string> { ["model"] = "content of m.gguf", ["none"] = "null", ["plain"] = "m.gguf" }, parameters);
    }

    [Theory]
    [InlineData("plain words", "plain words")]
    [InlineData("res:720,ext:mp4", "\"res:720,ext:mp4\"")]
    [InlineData("off", "\"off\"")]
    [InlineData("12", "\"12\"")]
    [InlineData("", "\"\"")]
    [InlineData("- dash", "\"- dash\"")]
    [InlineData("key: value", "\"key: value\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("https://registry.npmjs.org/", "https://registry.npmjs.org/")]
    public void A_string_is_quoted_where_yaml_would_read_it_otherwise(string text, string expected) =>
        Assert.Equal(expected, StageParameters.FlowScalar(text));

    [Fact]
    public void Only_readable_and_settable_properties_are_settings() =>
        Assert.DoesNotContain(StageParameters.SettingsOf(typeof(Options)), p => p.Name == nameof(Options.Twice));

    [Fact]
    public void An_enum_value_without_a_name_is_refused_rather_than_written_as_a_number() =>
        Assert.Throws<ArgumentException>(() => Parameters.Flow((Shape)7));
}
