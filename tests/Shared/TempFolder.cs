using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Sonique.Tests.Shared;

/// <summary>
/// A real folder for one test, removed afterwards. Every test folder lives under one root per test process,
/// <c>$TMPDIR/sonique-tests/&lt;pid&gt;</c>, removed when the process exits; a killed process cannot remove its own, so
/// the first test folder of every run removes the roots of test processes that are no longer alive.
/// </summary>
internal sealed class TempFolder : IDisposable
{
    private const string StartedFile = ".started";

    private static readonly Lazy<string> LazyProcessRoot = new(CreateProcessRoot, LazyThreadSafetyMode.ExecutionAndPublication);

    public TempFolder(string prefix = "test-") => Root = Create(prefix);

    /// <summary>Where every test process keeps its root.</summary>
    public static string Parent => Path.Combine(Path.GetTempPath(), "sonique-tests");

    /// <summary>This process's root.</summary>
    public static string ProcessRoot => LazyProcessRoot.Value;

    public string Root { get; }

    /// <summary>A new empty folder under this process's root, for a test class that removes it itself.</summary>
    public static string Create(string prefix) =>
        Directory.CreateDirectory(Path.Combine(ProcessRoot, prefix + Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>Removes the roots under <paramref name="parent"/> whose process has ended (or whose pid now belongs to
    /// a process started later). Folders not named by a pid are left alone.</summary>
    public static void SweepEndedRoots(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var root in Directory.EnumerateDirectories(parent))
        {
            if (int.TryParse(Path.GetFileName(root), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsAlive(pid, root))
            {
                TryDelete(root);
            }
        }
    }

    public string PathOf(string name) => Path.Combine(Root, name);

    public void Dispose() => TryDelete(Root);

    private static string CreateProcessRoot()
    {
        SweepEndedRoots(Parent);
        var root = Path.Combine(Parent, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, StartedFile), StartTicks(Process.GetCurrentProcess()).ToString(CultureInfo.InvariantCulture));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    private static bool IsAlive(int pid, string root)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited)
            {
                return false;
            }

            // A pid is reused after its process ends: the root is that process's only if it started when the root says.
            var recorded = File.Exists(Path.Combine(root, StartedFile)) ? File.ReadAllText(Path.Combine(root, StartedFile)) : null;
            return recorded is null
                || !long.TryParse(recorded, NumberStyles.None, CultureInfo.InvariantCulture, out var started)
                || Math.Abs(StartTicks(process) - started) < TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (Win32Exception)
        {
            // Running, but not ours to inspect: keep its folder.
            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static long StartTicks(Process process) => process.StartTime.ToUniversalTime().Ticks;

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException) when (!OperatingSystem.IsWindows())
        {
            // A file name that is not UTF-8 (tests write one on purpose) reaches .NET with U+FFFD in it, so .NET
            // cannot delete it by that name; rm takes the bytes as they are.
            RemoveWithRm(folder);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void RemoveWithRm(string folder)
    {
        try
        {
            using var rm = Process.Start("rm", ["-rf", "--", folder]);
            rm?.WaitForExit();
        }
        catch (Win32Exception)
        {
        }
    }
}
