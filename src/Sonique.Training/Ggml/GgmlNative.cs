using System.Runtime.InteropServices;

namespace Sonique.Training.Ggml;

/// <summary>
/// The ggml entry points the trainer uses, as exported by LLamaSharp.Backend.Cpu 0.30.0 (llama.cpp c0c7e147).
/// Signatures are this build's, checked against the binary: <c>ggml_set_param</c> takes one argument,
/// <c>ggml_build_backward_expand</c> three, <c>ggml_init_params</c> is passed by value.
/// </summary>
internal static partial class GgmlNative
{
    public const string Base = "ggml-base";
    public const string Cpu = "ggml-cpu";

    [StructLayout(LayoutKind.Sequential)]
    public struct InitParams
    {
        public nuint MemSize;
        public nint MemBuffer;
        public byte NoAlloc;
    }

    [LibraryImport(Base)] public static partial nint ggml_init(InitParams parameters);
    [LibraryImport(Base)] public static partial void ggml_free(nint ctx);
    [LibraryImport(Base)] public static partial nuint ggml_tensor_overhead();
    [LibraryImport(Base)] public static partial nuint ggml_graph_overhead_custom(nuint size, [MarshalAs(UnmanagedType.U1)] bool grads);

    [LibraryImport(Base)] public static partial nint ggml_new_tensor_1d(nint ctx, int type, long ne0);
    [LibraryImport(Base)] public static partial nint ggml_new_tensor_2d(nint ctx, int type, long ne0, long ne1);
    [LibraryImport(Base, StringMarshalling = StringMarshalling.Utf8)] public static partial nint ggml_set_name(nint tensor, string name);
    [LibraryImport(Base)] public static partial void ggml_set_param(nint tensor);
    [LibraryImport(Base)] public static partial void ggml_set_loss(nint tensor);
    [LibraryImport(Base)] public static partial nint ggml_get_data(nint tensor);

    [LibraryImport(Base)] public static partial nint ggml_get_rows(nint ctx, nint a, nint b);
    [LibraryImport(Base)] public static partial nint ggml_rms_norm(nint ctx, nint a, float eps);
    [LibraryImport(Base)] public static partial nint ggml_mul(nint ctx, nint a, nint b);
    [LibraryImport(Base)] public static partial nint ggml_add(nint ctx, nint a, nint b);
    [LibraryImport(Base)] public static partial nint ggml_scale(nint ctx, nint a, float s);
    [LibraryImport(Base)] public static partial nint ggml_mul_mat(nint ctx, nint a, nint b);
    [LibraryImport(Base)] public static partial nint ggml_reshape_3d(nint ctx, nint a, long ne0, long ne1, long ne2);
    [LibraryImport(Base)] public static partial nint ggml_permute(nint ctx, nint a, int axis0, int axis1, int axis2, int axis3);
    [LibraryImport(Base)] public static partial nint ggml_cont(nint ctx, nint a);
    [LibraryImport(Base)] public static partial nint ggml_cont_2d(nint ctx, nint a, long ne0, long ne1);
    [LibraryImport(Base)] public static partial nint ggml_silu(nint ctx, nint a);
    [LibraryImport(Base)] public static partial nint ggml_diag_mask_inf(nint ctx, nint a, int nPast);
    [LibraryImport(Base)] public static partial nint ggml_soft_max_ext(nint ctx, nint a, nint mask, float scale, float maxBias);
    [LibraryImport(Base)] public static partial nint ggml_cross_entropy_loss(nint ctx, nint a, nint b);

    [LibraryImport(Base)]
    public static partial nint ggml_rope_ext(
        nint ctx, nint a, nint positions, nint frequencyFactors, int nDims, int mode, int nCtxOrig,
        float freqBase, float freqScale, float extFactor, float attnFactor, float betaFast, float betaSlow);

    [LibraryImport(Base)] public static partial nint ggml_new_graph_custom(nint ctx, nuint size, [MarshalAs(UnmanagedType.U1)] bool grads);
    [LibraryImport(Base)] public static partial void ggml_build_forward_expand(nint graph, nint tensor);
    [LibraryImport(Base)] public static partial nint ggml_graph_dup(nint ctx, nint graph, [MarshalAs(UnmanagedType.U1)] bool forceGrads);
    [LibraryImport(Base)] public static partial void ggml_build_backward_expand(nint ctx, nint graph, nint gradAccumulators);
    [LibraryImport(Base)] public static partial void ggml_graph_reset(nint graph);
    [LibraryImport(Base)] public static partial nint ggml_graph_get_grad(nint graph, nint node);

    [LibraryImport(Base)] public static partial void ggml_set_input(nint tensor);
    [LibraryImport(Base)] public static partial void ggml_set_output(nint tensor);
    [LibraryImport(Base)] public static partial nint ggml_backend_cpu_buffer_type();
    [LibraryImport(Base)] public static partial nint ggml_gallocr_new(nint bufferType);
    [LibraryImport(Base)][return: MarshalAs(UnmanagedType.U1)] public static partial bool ggml_gallocr_alloc_graph(nint allocator, nint graph);
    [LibraryImport(Base)] public static partial nuint ggml_gallocr_get_buffer_size(nint allocator, int bufferId);
    [LibraryImport(Base)] public static partial void ggml_gallocr_free(nint allocator);

    [LibraryImport(Base)] public static partial int ggml_backend_graph_compute(nint backend, nint graph);

    /// <summary>Computes <paramref name="graph"/>; a failure (ggml_status other than success) is an exception.</summary>
    public static void Compute(nint backend, nint graph)
    {
        var status = ggml_backend_graph_compute(backend, graph);
        if (status != 0)
        {
            throw new InvalidOperationException($"ggml could not compute the graph (status {status}).");
        }
    }
    [LibraryImport(Base)] public static partial void ggml_backend_free(nint backend);
    [LibraryImport(Cpu)] public static partial nint ggml_backend_cpu_init();
    [LibraryImport(Cpu)] public static partial void ggml_backend_cpu_set_n_threads(nint backend, int threads);
}
