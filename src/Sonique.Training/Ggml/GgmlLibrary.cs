using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using LLama.Native;

namespace Sonique.Training.Ggml;

/// <summary>
/// Binds <see cref="GgmlNative"/> to the very ggml that LLamaSharp loaded (it picks the CPU build: AVX-512,
/// AVX2, ...), so that training and inference share one copy of ggml's global state and one set of kernels.
/// </summary>
internal static class GgmlLibrary
{
    private static readonly Lock Gate = new();
    private static string? _folder;

    /// <summary>The folder of the loaded ggml libraries; loads LLamaSharp's native library first if needed.</summary>
    public static string EnsureBound()
    {
        lock (Gate)
        {
            if (_folder is not null)
            {
                return _folder;
            }

            NativeApi.llama_empty_call();
            _folder = FindLoadedFolder()
                ?? throw new DllNotFoundException("LLamaSharp's native llama library is loaded, but no ggml-base library was found beside it.");
            NativeLibrary.SetDllImportResolver(typeof(GgmlLibrary).Assembly, Resolve);
            return _folder;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name is not (GgmlNative.Base or GgmlNative.Cpu) || _folder is null)
        {
            return 0;
        }

        foreach (var file in FileNames(name))
        {
            var path = Path.Combine(_folder, file);
            if (File.Exists(path))
            {
                return NativeLibrary.Load(path);
            }
        }

        return 0;
    }

    private static string? FindLoadedFolder()
    {
        using var process = Process.GetCurrentProcess();
        foreach (ProcessModule module in process.Modules)
        {
            if (FileNames(GgmlNative.Base).Contains(module.ModuleName, StringComparer.OrdinalIgnoreCase))
            {
                return Path.GetDirectoryName(module.FileName);
            }
        }

        return null;
    }

    private static string[] FileNames(string name) =>
        OperatingSystem.IsWindows() ? [name + ".dll"] : OperatingSystem.IsMacOS() ? ["lib" + name + ".dylib"] : ["lib" + name + ".so"];
}
