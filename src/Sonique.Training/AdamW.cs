namespace Sonique.Training;

/// <summary>
/// AdamW (decoupled weight decay, bias-corrected moments) with the gradient clipped to a maximum global norm,
/// as torch.optim.AdamW with clip_grad_norm_. Its moments are plain arrays, so a checkpoint can hold them.
/// </summary>
public sealed class AdamW(int parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
{
    public float[] FirstMoment { get; } = new float[parameters];

    public float[] SecondMoment { get; } = new float[parameters];

    /// <summary>Optimizer steps taken so far (for the bias correction).</summary>
    public int Steps { get; set; }

    /// <summary>Updates <paramref name="weights"/> in place; returns the gradient's norm before clipping.</summary>
    public double Step(Span<float> weights, ReadOnlySpan<float> gradient, double learningRate, double weightDecay, double maxGradNorm)
    {
        if (weights.Length != FirstMoment.Length || gradient.Length != FirstMoment.Length)
        {
            throw new ArgumentException($"AdamW holds {FirstMoment.Length} parameters; got {weights.Length} weights and {gradient.Length} gradients");
        }

        double squares = 0;
        foreach (var g in gradient)
        {
            squares += (double)g * g;
        }

        var norm = Math.Sqrt(squares);
        var clip = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1.0;
        Steps++;
        var correction1 = 1 - Math.Pow(beta1, Steps);
        var correction2 = 1 - Math.Pow(beta2, Steps);
        var m = FirstMoment;
        var v = SecondMoment;
        for (var i = 0; i < weights.Length; i++)
        {
            var g = gradient[i] * clip;
            m[i] = (float)((beta1 * m[i]) + ((1 - beta1) * g));
            v[i] = (float)((beta2 * v[i]) + ((1 - beta2) * g * g));
            var update = m[i] / correction1 / (Math.Sqrt(v[i] / correction2) + epsilon);
            weights[i] = (float)(weights[i] - (learningRate * (update + (weightDecay * weights[i]))));
        }

        return norm;
    }
}
