using System.Globalization;
using System.Text;
using Sonique.Engine.Hashing;

namespace Sonique.Engine.Tests.Stages;

/// <summary>A fingerprint is the hash of one text; it is fed to the hasher piece by piece, and must stay the same hash,
/// or every recorded item of every workspace would be stale.</summary>
public sealed class FingerprintTests
{
    private static readonly ItemStage Stage = new("Stage", 3)
    {
        Items = _ => ValueTask.FromResult<IReadOnlyList<StageItem>>([]),
        Run = (_, _) => Task.CompletedTask,
    };

    [Fact]
    public void A_fingerprint_is_the_hash_of_its_text_with_inputs_in_ordinal_order_each_once_and_missing_ones_left_out()
    {
        var digest = Fingerprint.ParametersDigest(new Dictionary<string, string> { ["z"] = "1", ["a"] = "é" });
        var values = new Dictionary<string, string> { ["url"] = "https://example.org/v?x=1", ["title"] = "Tïtle", ["Z"] = "" };
        string[] outputs = ["out/b.txt", "out/a.txt"];
        string[] inputs = ["in/b", "in/a", "in/é", "in/B", "in/a", "in/missing"];
        ContentHash?[] hashes = [ContentHash.Of("b"), ContentHash.Of("a"), ContentHash.Of("é"), ContentHash.Of("B"), ContentHash.Of("a"), null];

        var fingerprint = Fingerprint.Of(Stage, digest, "item 1", values, outputs, inputs, hashes);

        var text = new StringBuilder("sonique-fingerprint-1\n")
            .Append(Part("Stage")).Append(Part("3"))
            .Append(Part("a")).Append(Part("é")).Append(Part("z")).Append(Part("1")).Append('\n')
            .Append(Part("item 1"))
            .Append(Part("Z")).Append(Part("")).Append(Part("title")).Append(Part("Tïtle")).Append(Part("url")).Append(Part("https://example.org/v?x=1"))
            .Append(Part("->0")).Append(Part("out/b.txt")).Append(Part("->1")).Append(Part("out/a.txt")).Append('\n')
            .Append(Part("in/B")).Append(Part(ContentHash.Of("B").ToString()))
            .Append(Part("in/a")).Append(Part(ContentHash.Of("a").ToString()))
            .Append(Part("in/b")).Append(Part(ContentHash.Of("b").ToString()))
            .Append(Part("in/é")).Append(Part(ContentHash.Of("é").ToString()));
        Assert.Equal(ContentHash.Of(text.ToString()), fingerprint);
        // The same work listed in another order is the same work.
        Assert.Equal(fingerprint, Fingerprint.Of(Stage, digest, "item 1", values.Reverse().ToDictionary(), outputs, inputs.Reverse().ToArray(), hashes.Reverse().ToArray()));
        Assert.NotEqual(fingerprint, Fingerprint.Of(Stage, digest, "item 1", values, outputs.Reverse().ToArray(), inputs, hashes));
        Assert.NotEqual(fingerprint, Fingerprint.Of(Stage, digest, null, values, outputs, inputs, hashes));
    }

    [Fact]
    public void A_hash_is_written_as_the_hex_digits_of_its_text()
    {
        var hash = ContentHash.Of("x");
        var digits = new byte[ContentHash.HexLength];

        hash.FormatHex(digits);

        Assert.Equal(hash.ToString(), Encoding.ASCII.GetString(digits));
    }

    private static string Part(string part) => string.Create(CultureInfo.InvariantCulture, $"{part.Length}:{part}");
}
