using Sonique.Tests.Shared;
using Sonique.Training.Lora;

namespace Sonique.Training.Tests.Lora;

/// <summary>Windows of several lengths over one model: an example pays for the shortest window that holds it, and its
/// loss and gradients are those of the longest window (padding after the sequence changes nothing before it).</summary>
public sealed class TrainingWindowsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Windows_are_the_quartiles_of_the_lengths_rounded_up_to_16_within_the_context()
    {
        Assert.Equal([32, 48, 64, 160], LoraTrainingGraph.WindowsFor([20, 30, 40, 45, 50, 60, 64, 150], contextLength: 2048));
        Assert.Equal([144], LoraTrainingGraph.WindowsFor([130, 131, 140], contextLength: 2048));
        Assert.Equal([16, 100], LoraTrainingGraph.WindowsFor([3, 99], contextLength: 100));
    }

    [Fact]
    public async Task An_example_has_the_same_loss_and_gradients_in_a_short_window_as_in_the_longest()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = await TinyLlama.WriteAsync(_folder.PathOf("tiny.gguf"), kvHeads: 2);
        var lora = new LoraSettings(3, 6, 0, [.. LoraTarget.All, LoraTarget.Head]);
        using var windows = await LoraTrainingGraph.LoadAsync(model, lora, [16, 32], maxTargets: 8, threads: 2, ct);
        using var longest = await LoraTrainingGraph.LoadAsync(model, lora, [32], maxTargets: 8, threads: 2, ct);
        var random = new Random(3);
        var weights = Enumerable.Range(0, windows.ParameterCount).Select(_ => ((random.NextSingle() * 2) - 1) * 0.3f).ToArray();
        windows.WriteParameters(weights);
        longest.WriteParameters(weights);
        var shortExample = new TrainingExample("short", [1, 5, 9, 2, 7, 7, 3, 11, 30, 4], 5);
        var longExample = new TrainingExample("long", Enumerable.Range(0, 24).Select(i => (i * 7) % TinyLlama.Vocabulary).ToArray(), 16);

        foreach (var example in new[] { shortExample, longExample, shortExample })
        {
            var inWindows = new float[windows.ParameterCount];
            var inLongest = new float[longest.ParameterCount];
            var loss = windows.LossAndGradients(example, inWindows, 1f);
            var reference = longest.LossAndGradients(example, inLongest, 1f);

            Assert.Equal(reference, loss, 1e-5f);
            Assert.All(inWindows.Zip(inLongest), p => Assert.Equal(p.Second, p.First, 1e-4f + (1e-4f * MathF.Abs(p.Second))));
            Assert.Equal(longest.Loss(example), windows.Loss(example), 1e-5f);
        }

        Assert.Equal([16, 32], windows.Windows);
        Assert.True(windows.FlopsOf(shortExample) < longest.FlopsOf(shortExample), "a short example is computed in the short window");
    }
}
