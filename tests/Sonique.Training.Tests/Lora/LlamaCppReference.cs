using LLama;
using LLama.Common;
using LLama.Native;
using Sonique.Training.Lora;

namespace Sonique.Training.Tests.Lora;

/// <summary>What llama.cpp itself computes for a model, with or without a LoRA adapter, through LLamaSharp: the
/// reference the training graph and the adapter files are checked against.</summary>
internal static class LlamaCppReference
{
    /// <summary>Mean cross-entropy of the answer tokens from llama.cpp's own logits.</summary>
    public static double Loss(string model, string? adapter, TrainingExample example, uint contextSize = 64)
    {
        using var session = Session.Open(model, adapter, contextSize);
        var batch = new LLamaBatch();
        for (var i = 0; i < example.Tokens.Length; i++)
        {
            batch.Add((LLamaToken)example.Tokens[i], i, LLamaSeqId.Zero, logits: true);
        }

        Assert.Equal(DecodeResult.Ok, session.Context.NativeHandle.Decode(batch));
        double total = 0;
        for (var k = example.AnswerStart; k < example.Tokens.Length; k++)
        {
            var logits = session.Context.NativeHandle.GetLogitsIth(k - 1);
            var max = double.MinValue;
            foreach (var l in logits)
            {
                max = Math.Max(max, l);
            }

            double sum = 0;
            foreach (var l in logits)
            {
                sum += Math.Exp(l - max);
            }

            total -= logits[example.Tokens[k]] - max - Math.Log(sum);
        }

        return total / example.Targets;
    }

    /// <summary>The <paramref name="count"/> tokens llama.cpp answers <paramref name="prompt"/> with, greedily.</summary>
    public static int[] Greedy(string model, string? adapter, int[] prompt, int count, uint contextSize = 32)
    {
        using var session = Session.Open(model, adapter, contextSize);
        var answer = new List<int>();
        var batch = new LLamaBatch();
        for (var i = 0; i < prompt.Length; i++)
        {
            batch.Add((LLamaToken)prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
        }

        for (var position = prompt.Length; answer.Count < count; position++)
        {
            Assert.Equal(DecodeResult.Ok, session.Context.NativeHandle.Decode(batch));
            var logits = session.Context.NativeHandle.GetLogitsIth(batch.TokenCount - 1);
            var best = 0;
            for (var t = 1; t < logits.Length; t++)
            {
                best = logits[t] > logits[best] ? t : best;
            }

            answer.Add(best);
            batch.Clear();
            batch.Add((LLamaToken)best, position, LLamaSeqId.Zero, logits: true);
        }

        return [.. answer];
    }

    private sealed class Session : IDisposable
    {
        private Session(LLamaWeights weights, LLamaContext context)
        {
            Weights = weights;
            Context = context;
        }

        public LLamaWeights Weights { get; }

        public LLamaContext Context { get; }

        public static Session Open(string model, string? adapter, uint contextSize)
        {
            Sonique.Llm.Generation.LlamaLog.WarningsOnly();
            var parameters = new ModelParams(model) { ContextSize = contextSize, BatchSize = contextSize, UBatchSize = contextSize, FlashAttention = false, Threads = 2 };
            var weights = LLamaWeights.LoadFromFile(parameters);
            var context = weights.CreateContext(parameters);
            if (adapter is not null)
            {
                context.NativeHandle.SetLoraAdapters([(weights.NativeHandle.LoadLoraFromFile(adapter), 1f)]);
            }

            return new Session(weights, context);
        }

        public void Dispose()
        {
            Context.Dispose();
            Weights.Dispose();
        }
    }
}
