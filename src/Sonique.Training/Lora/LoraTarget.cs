namespace Sonique.Training.Lora;

/// <summary>
/// A linear layer of a llama block that LoRA can adapt, under both of its names: the GGUF tensor ("attn_q")
/// and the Hugging Face module that peft targets ("q_proj").
/// </summary>
public sealed record LoraTarget(string Gguf, string Peft, bool InAttention)
{
    /// <summary>The output projection (peft's lm_head). Not in "all-linear", as in peft; worth adding for a base
    /// model whose vocabulary holds tokens it never learned to produce (stories15M and "BPM").</summary>
    public static LoraTarget Head { get; } = new("output", "lm_head", false);

    /// <summary>The linear layers of every block: what "all-linear" means.</summary>
    public static IReadOnlyList<LoraTarget> All { get; } =
    [
        new("attn_q", "q_proj", true),
        new("attn_k", "k_proj", true),
        new("attn_v", "v_proj", true),
        new("attn_output", "o_proj", true),
        new("ffn_gate", "gate_proj", false),
        new("ffn_up", "up_proj", false),
        new("ffn_down", "down_proj", false),
    ];

    /// <summary>The GGUF name of this layer's weight in block <paramref name="layer"/>.</summary>
    public string WeightName(int layer) => IsHead ? "output.weight" : $"blk.{layer}.{Gguf}.weight";

    public bool IsHead => Gguf == Head.Gguf;

    /// <summary>Parses "all-linear" or names in either form ("q_proj" or "attn_q").</summary>
    public static IReadOnlyList<LoraTarget> Parse(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var wanted = names.Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        var targets = new List<LoraTarget>();
        if (wanted.Count == 0 || wanted.Any(n => n.Equals("all-linear", StringComparison.OrdinalIgnoreCase)))
        {
            targets.AddRange(All);
        }

        wanted.RemoveAll(n => n.Equals("all-linear", StringComparison.OrdinalIgnoreCase));
        var unknown = wanted.Where(n => Find(n) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"LoRA target(s) {string.Join(", ", unknown)} unknown; use all-linear or any of {string.Join(", ", All.Append(Head).Select(t => t.Peft))}");
        }

        targets.AddRange(wanted.Select(n => Find(n)!));
        return All.Append(Head).Where(targets.Contains).ToList();
    }

    private static LoraTarget? Find(string name) =>
        All.Append(Head).FirstOrDefault(t => t.Gguf.Equals(name, StringComparison.OrdinalIgnoreCase) || t.Peft.Equals(name, StringComparison.OrdinalIgnoreCase));
}
