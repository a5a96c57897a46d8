using System.Diagnostics;

namespace Sonique.Tests.Shared;

/// <summary>Real media files for tests, made by the real ffmpeg: a test pattern and a tone, of a given length.</summary>
internal static class TestMedia
{
    /// <summary>Writes a clip; <paramref name="audio"/> false leaves out the audio stream.</summary>
    public static string Write(string path, double seconds, bool audio = true, string videoCodec = "libx264", string audioCodec = "aac", string preset = "ultrafast", string size = "160x90", int rate = 12)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var d = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        List<string> args = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={size}:rate={rate}:duration={d}"];
        if (audio)
        {
            args.AddRange(["-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=44100:duration={d}"]);
        }

        args.AddRange(["-c:v", videoCodec, "-pix_fmt", "yuv420p", "-g", (rate * 2).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (videoCodec == "libx264")
        {
            args.AddRange(["-preset", preset]);
        }

        if (videoCodec == "libvpx-vp9")
        {
            args.AddRange(["-deadline", "realtime", "-cpu-used", "8"]);
        }

        if (audio)
        {
            args.AddRange(["-c:a", audioCodec]);
        }

        args.Add(path);
        Run("ffmpeg", args);
        return path;
    }

    /// <summary>Seconds a file plays for, as ffprobe reports them: its longest stream. (After a copied cut with
    /// B-frames, the container's duration also counts the edit list's initial offset.)</summary>
    public static double Duration(string path) =>
        Run("ffprobe", ["-v", "error", "-show_entries", "stream=duration", "-of", "default=nw=1:nk=1", path])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Max(d => double.Parse(d, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The codec names of a file's streams, in order (e.g. "h264", "aac").</summary>
    public static string[] Codecs(string path) =>
        Run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "default=nw=1:nk=1", path])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Run(string tool, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout.Result : throw new InvalidOperationException($"{tool} failed: {stderr}");
    }
}
