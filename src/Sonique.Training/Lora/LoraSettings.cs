namespace Sonique.Training.Lora;

/// <summary>What LoRA adapts and how: rank, alpha (the update is scaled by alpha / rank, as peft does), dropout on
/// each adapted layer's input, and the layers.</summary>
public sealed record LoraSettings(int Rank, float Alpha, float Dropout, IReadOnlyList<LoraTarget> Targets)
{
    public float Scale => Alpha / Rank;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Rank, 1);
        if (Alpha <= 0 || !float.IsFinite(Alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "LoRA alpha must be a positive number");
        }

        if (Dropout is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "LoRA dropout must be in [0, 1)");
        }

        if (Targets.Count == 0)
        {
            throw new ArgumentException("LoRA needs at least one target layer", nameof(Targets));
        }
    }
}
