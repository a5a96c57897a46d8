using System.Globalization;
using System.Runtime.InteropServices;

namespace Sonique.Benchmarks;

/// <summary>What the numbers were measured on; they mean little without it.</summary>
internal static class Machine
{
    public static string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{CpuModel()}, {Environment.ProcessorCount} cores, {MemoryGiB():F0} GiB RAM, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");

    private static string CpuModel() =>
        ProcLine("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static double MemoryGiB()
    {
        // /proc/meminfo gives the machine's RAM; the GC's figure is lower under a container memory limit.
        var total = ProcLine("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return total is not null
            ? long.Parse(total, CultureInfo.InvariantCulture) / (1024.0 * 1024)
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
    }

    /// <summary>The value of the first "key: value" line of a /proc file, or null off Linux.</summary>
    private static string? ProcLine(string path, string key) =>
        File.Exists(path)
            ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
}
