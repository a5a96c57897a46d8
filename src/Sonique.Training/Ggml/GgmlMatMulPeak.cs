using System.Diagnostics;
using static Sonique.Training.Ggml.GgmlNative;

namespace Sonique.Training.Ggml;

/// <summary>
/// This machine's float32 matrix-multiply throughput through ggml's own CPU kernels (the ones training uses): the
/// yardstick a training run's FLOP rate is read against. One square product of <c>size</c>, computed repeatedly.
/// </summary>
public static class GgmlMatMulPeak
{
    /// <summary>The best GFLOP/s over <paramref name="repeats"/> products of two size x size float32 matrices.</summary>
    public static double Measure(int size, int threads, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        GgmlLibrary.EnsureBound();
        var bytes = (3L * size * size * 4) + (16L * (long)ggml_tensor_overhead()) + (long)ggml_graph_overhead_custom(16, false) + (1 << 20);
        var ctx = ggml_init(new InitParams { MemSize = (nuint)bytes, NoAlloc = 0 });
        var backend = ggml_backend_cpu_init();
        try
        {
            ggml_backend_cpu_set_n_threads(backend, threads);
            var a = ggml_new_tensor_2d(ctx, 0, size, size);
            var b = ggml_new_tensor_2d(ctx, 0, size, size);
            var random = new Random(1);
            foreach (var tensor in new[] { a, b })
            {
                var values = new GgmlTensor(tensor, size * size).Span;
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = random.NextSingle() - 0.5f;
                }
            }

            var graph = ggml_new_graph_custom(ctx, 16, false);
            ggml_build_forward_expand(graph, ggml_mul_mat(ctx, a, b));
            Compute(backend, graph);
            var best = double.MaxValue;
            for (var r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                Compute(backend, graph);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            return 2.0 * size * size * size / best / 1e9;
        }
        finally
        {
            ggml_backend_free(backend);
            ggml_free(ctx);
        }
    }
}
