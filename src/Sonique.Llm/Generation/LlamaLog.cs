using LLama.Native;

namespace Sonique.Llm.Generation;

/// <summary>
/// llama.cpp prints hundreds of lines per model load. Only its warnings and errors reach standard error: they are
/// where it says why a load failed, which its API does not return.
/// </summary>
public static class LlamaLog
{
    private static int _installed;

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
}
