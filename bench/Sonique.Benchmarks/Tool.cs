using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sonique.Benchmarks;

/// <summary>Runs other programs: the reference hashers, and .NET children of this benchmark.</summary>
internal static class Tool
{
    /// <summary>The <c>dotnet</c> host of the runtime running this benchmark, so that children run on the
    /// same runtime (the host sits three folders above <c>shared/Microsoft.NETCore.App/VERSION/</c>).</summary>
    public static string DotnetHost { get; } = FindDotnetHost();

    /// <summary>Runs a program to the end and returns its standard output; throws when it fails.</summary>
    public static string Run(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start '{file}'.");
        // Both pipes are drained at once: a child that fills one while we wait on the other would hang.
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', info.ArgumentList)}' exited with {process.ExitCode}:\n{error.Result}{output}");
        }

        return output;
    }

    /// <summary>Runs a .NET program next to this benchmark's own dll with <c>dotnet exec</c>.</summary>
    public static string RunDotnet(string dllName, IEnumerable<string> arguments) =>
        Run(DotnetHost, ["exec", Path.Combine(AppContext.BaseDirectory, dllName), .. arguments]);

    private static string FindDotnetHost()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var beside = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", name));
        return File.Exists(beside) ? beside : name;
    }
}
