using Sonique.Training.Lora;

namespace Sonique.Training.Tests.Lora;

/// <summary>The graph's analytic LoRA gradients against central finite differences of its own loss.</summary>
internal static class FiniteDifferences
{
    /// <summary>Checks two random values of every A and B from random weights; returns how many were checked.</summary>
    public static int CheckGradients(LoraTrainingGraph graph, TrainingExample example, int seed)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(0, graph.ParameterCount).Select(_ => ((random.NextSingle() * 2) - 1) * 0.3f).ToArray();
        graph.WriteParameters(weights);
        var gradient = new float[graph.ParameterCount];
        graph.LossAndGradients(example, gradient, 1f);

        // The summed token loss, as the gradient is of it.
        double Loss()
        {
            graph.WriteParameters(weights);
            return graph.Loss(example) * (double)example.Targets;
        }

        var offset = 0;
        var checkedCount = 0;
        foreach (var parameter in graph.Parameters)
        {
            foreach (var length in new[] { parameter.A.Length, parameter.B.Length })
            {
                for (var probe = 0; probe < 2; probe++)
                {
                    var i = offset + random.Next(length);
                    var original = weights[i];
                    const float h = 2e-3f;
                    weights[i] = original + h;
                    var plus = Loss();
                    weights[i] = original - h;
                    var minus = Loss();
                    weights[i] = original;
                    var numeric = (plus - minus) / (2 * h);
                    Assert.True(
                        Math.Abs(gradient[i] - numeric) <= 2e-3 + (0.03 * Math.Abs(numeric)),
                        $"{parameter.Target.WeightName(parameter.Layer)} value {i - offset}: analytic {gradient[i]}, numeric {numeric}");
                    checkedCount++;
                }

                offset += length;
            }
        }

        Assert.True(gradient.Any(g => Math.Abs(g) > 1e-3), "the gradient is not all zero");
        return checkedCount;
    }
}
