using System.Runtime.InteropServices;
using LLama.Native;

namespace Sonique.Llm.Generation;

/// <summary>
/// llama.cpp prints hundreds of lines per model load. Only its warnings and errors reach standard error: they are
/// where it says why a load failed, which its API does not return.
/// </summary>
public static class LlamaLog
{
    /// <summary>ggml's log levels (ggml.h): a continuation carries on the previous line's level.</summary>
    private const int Warning = 3;
    private const int Error = 4;
    private const int Continuation = 5;

    /// <summary>The multimodal library's loggers; LLamaSharp binds neither.</summary>
    private static readonly string[] MultimodalLogSetters = ["mtmd_log_set", "mtmd_helper_log_set"];

    // Held for the life of the process: native code keeps calling it.
    private static readonly MultimodalLogCallback MultimodalCallback = WriteMultimodal;

    private static int _installed;
    private static int _multimodalInstalled;
    private static int _lastMultimodalLevel;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void MultimodalLogCallback(int level, IntPtr text, IntPtr userData);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetMultimodalLog(MultimodalLogCallback callback, IntPtr userData);

    public static void WarningsOnly()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }

        NativeLogConfig.llama_log_set((level, message) =>
        {
            if (level is LLamaLogLevel.Warning or LLamaLogLevel.Error)
            {
                Console.Error.Write(message);
            }
        });
    }

    /// <summary>
    /// The same for the multimodal library (libmtmd), which otherwise prints every frame's preprocessing and encoding
    /// to standard output. Call once it is loaded (after a projector is); a build without the setters keeps its log.
    /// </summary>
    public static void MultimodalWarningsOnly()
    {
        if (Interlocked.Exchange(ref _multimodalInstalled, 1) == 1
            || !NativeLibrary.TryLoad("mtmd", typeof(NativeApi).Assembly, null, out var library))
        {
            return;
        }

        foreach (var name in MultimodalLogSetters)
        {
            if (NativeLibrary.TryGetExport(library, name, out var setter))
            {
                Marshal.GetDelegateForFunctionPointer<SetMultimodalLog>(setter)(MultimodalCallback, IntPtr.Zero);
            }
        }
    }

    private static void WriteMultimodal(int level, IntPtr text, IntPtr userData)
    {
        if (level != Continuation)
        {
            _lastMultimodalLevel = level;
        }

        if (_lastMultimodalLevel is Warning or Error && Marshal.PtrToStringUTF8(text) is { } message)
        {
            Console.Error.Write(message);
        }
    }
}
