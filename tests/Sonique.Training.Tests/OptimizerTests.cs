namespace Sonique.Training.Tests;

public sealed class OptimizerTests
{
    [Fact]
    public void AdamW_first_step_moves_each_weight_by_the_rate_against_its_gradient_sign_and_decays_it()
    {
        var optimizer = new AdamW(3);
        float[] weights = [1f, -2f, 0.5f];

        var norm = optimizer.Step(weights, [0.3f, -4f, 0f], learningRate: 0.1, weightDecay: 0.01, maxGradNorm: 0);

        // Bias-corrected, the first update is g / |g| (0 for g = 0), plus decay of lr * wd * w.
        Assert.Equal(Math.Sqrt((0.3 * 0.3) + 16), norm, 6);
        Assert.Equal(1f - 0.1f - 0.001f, weights[0], 5);
        Assert.Equal(-2f + 0.1f + 0.002f, weights[1], 5);
        Assert.Equal(0.5f - 0.0005f, weights[2], 5);
    }

    [Fact]
    public void AdamW_clips_the_gradient_to_the_maximum_norm_before_its_moments()
    {
        var optimizer = new AdamW(2);
        float[] weights = [0f, 0f];

        optimizer.Step(weights, [30f, 40f], learningRate: 0.1, weightDecay: 0, maxGradNorm: 5);

        // Clipped to [3, 4]; the first moment is (1 - beta1) of that.
        Assert.Equal(0.3f, optimizer.FirstMoment[0], 4);
        Assert.Equal(0.4f, optimizer.FirstMoment[1], 4);
    }

    [Theory]
    [InlineData("constant", 0, 0.25)]
    [InlineData("constant", 3, 1.0)]
    [InlineData("constant", 9, 1.0)]
    [InlineData("linear", 4, 1.0)]
    [InlineData("linear", 5, 5.0 / 6)]
    [InlineData("cosine", 7, 0.5)]
    [InlineData("cosine", 10, 0.0)]
    public void The_schedule_warms_up_linearly_then_follows_its_shape(string name, int step, double expected)
    {
        // 10 steps, 40% warmup: 4 warmup steps, then 6 to decay over.
        var schedule = new LearningRateSchedule(name, 1.0, 10, 0.4);

        Assert.Equal(4, schedule.WarmupSteps);
        Assert.Equal(expected, schedule.At(step), 6);
    }
}
