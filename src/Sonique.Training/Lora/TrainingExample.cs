namespace Sonique.Training.Lora;

/// <summary>One tokenised conversation: the loss is taken on the tokens from <see cref="AnswerStart"/> on (the
/// assistant's answer and its end marker), each predicted from the tokens before it.</summary>
public sealed record TrainingExample(string Id, int[] Tokens, int AnswerStart)
{
    /// <summary>How many tokens the loss is taken on.</summary>
    public int Targets => Tokens.Length - AnswerStart;
}
