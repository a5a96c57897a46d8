using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Sonique.Media;

/// <summary>
/// ffmpeg and ffprobe, by path. Arguments are passed as a list, never as one command line, and the files this
/// class opens are given as absolute paths behind ffmpeg's <c>file:</c> protocol, so nothing in a file name (quotes,
/// a leading dash, a colon) is ever read as an option or a protocol.
/// </summary>
public sealed class Ffmpeg
{
    private static readonly HashSet<string> Mp4Video = new(StringComparer.Ordinal) { "h264", "hevc", "av1", "mpeg4" };
    private static readonly HashSet<string> Mp4Audio = new(StringComparer.Ordinal) { "aac", "mp3", "ac3" };

    public Ffmpeg(string ffmpegPath = "ffmpeg", string ffprobePath = "ffprobe")
    {
        FfmpegPath = ffmpegPath;
        FfprobePath = ffprobePath;
    }

    public string FfmpegPath { get; }

    public string FfprobePath { get; }

    /// <summary>Runs ffmpeg quietly with the given arguments; a failure carries ffmpeg's last words.</summary>
    public Task RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(arguments, PipeTarget.Null, null, cancellationToken);

    /// <summary>Runs ffmpeg with its output (`-` as the output file) streamed into <paramref name="standardOutput"/>,
    /// for raw samples and frames that never touch the disk.</summary>
    public Task RunAsync(IEnumerable<string> arguments, Stream standardOutput, CancellationToken cancellationToken) =>
        RunAsync(arguments, PipeTarget.ToStream(standardOutput), null, cancellationToken);

    /// <param name="task">What the call does, for its error ("trimming 'x.mp4'"); null: only the exit code.</param>
    private async Task RunAsync(IEnumerable<string> arguments, PipeTarget standardOutput, string? task, CancellationToken cancellationToken)
    {
        var stderr = new StringBuilder();
        var result = await Cli.Wrap(FfmpegPath)
            .WithArguments(["-hide_banner", "-nostdin", "-loglevel", "error", .. arguments])
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(standardOutput)
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            var what = task is null ? string.Empty : $"{task} failed: ";
            throw new MediaToolException("ffmpeg", $"{what}exit code {result.ExitCode}: {ToolOutput.Tail(stderr.ToString())}");
        }
    }

    /// <summary>ffmpeg's version line ("ffmpeg version 5.1.6-0+deb12u1 ..."), or an error naming the path.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await Cli.Wrap(FfmpegPath).WithArguments(["-version"])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken);
            return result.StandardOutput.Split('\n', 2)[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MediaToolException("ffmpeg", $"cannot start '{FfmpegPath}': {e.Message}. Install ffmpeg (apt-get install ffmpeg) or set tools.ffmpeg in the config.", e);
        }
    }

    /// <summary>Probes a file; a file that is not readable media raises <see cref="MediaToolException"/>.</summary>
    public async Task<MediaInfo> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        CommandResult result;
        try
        {
            result = await Cli.Wrap(FfprobePath)
                .WithArguments(["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-i", FileUrl(path)])
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .ExecuteAsync(cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MediaToolException("ffprobe", $"cannot start '{FfprobePath}': {e.Message}. Install ffmpeg (apt-get install ffmpeg) or set tools.ffprobe in the config.", e);
        }

        if (result.ExitCode != 0)
        {
            throw new MediaToolException("ffprobe", $"'{Path.GetFileName(path)}' is not readable media: {ToolOutput.Tail(stderr.ToString(), 2)}");
        }

        try
        {
            return ProbeJson.Read(stdout.ToString());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            throw new MediaToolException("ffprobe", $"'{Path.GetFileName(path)}' is not readable media: {e.Message}", e);
        }
    }

    /// <summary>How far a trimmed clip's length may be from what was asked before Auto re-encodes it.</summary>
    public static readonly TimeSpan CutTolerance = TimeSpan.FromSeconds(0.1);

    /// <summary>
    /// Writes the first <paramref name="length"/> of <paramref name="source"/> as an mp4 (its first video and
    /// audio streams) and a wav (44.1 kHz, 16-bit, stereo, as the original), in one pass over the input.
    /// Returns how the video was written. Auto copies when the codecs fit an mp4 and then checks the cut:
    /// a copy can only end on a packet, and with B-frames that can overshoot by their reorder delay
    /// (2 frames: 0.07 s at 30 fps, 0.17 s at 12 fps), so a copy that misses by more than
    /// <see cref="CutTolerance"/> is re-encoded.
    /// </summary>
    public async Task<TrimMode> TrimAsync(string source, MediaInfo info, TimeSpan length, TrimMode mode, string mp4Path, string wavPath, CancellationToken cancellationToken)
    {
        var copy = mode == TrimMode.Copy || (mode == TrimMode.Auto && CanCopyToMp4(info));
        await CutAsync(source, length, copy, mp4Path, wavPath, cancellationToken);
        if (mode != TrimMode.Auto || !copy)
        {
            return copy ? TrimMode.Copy : TrimMode.Reencode;
        }

        // A copy of the whole file has nothing to cut, so nothing to miss.
        var whole = info.Duration > TimeSpan.Zero && info.Duration <= length;
        if (whole)
        {
            return TrimMode.Copy;
        }

        var expected = length;
        var written = await ProbeAsync(mp4Path, cancellationToken);
        if ((written.StreamDuration - expected).Duration() <= CutTolerance)
        {
            return TrimMode.Copy;
        }

        await CutAsync(source, length, copy: false, mp4Path, wavPath, cancellationToken);
        return TrimMode.Reencode;
    }

    private async Task CutAsync(string source, TimeSpan length, bool copy, string mp4Path, string wavPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(source))
        {
            throw new MediaToolException("ffmpeg", $"trimming '{Path.GetFileName(source)}' failed: the file does not exist");
        }

        // The arguments FFMpegCore used to build, in its order, so trimmed files stay byte for byte what they were.
        var seconds = length.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        List<string> arguments = ["-y", "-i", FileUrl(source), "-map", "0:v:0", "-map", "0:a:0", "-t", seconds, "-map_metadata", "-1", "-map_chapters", "-1"];
        arguments.AddRange(copy
            ? ["-c", "copy"]
            : ["-c:v", "libx264", "-crf", "23", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k"]);
        arguments.AddRange(["-movflags", "faststart", FileUrl(mp4Path)]);
        arguments.AddRange(["-map", "0:a:0", "-t", seconds, "-map_metadata", "-1", "-ac", "2", "-ar", "44100", "-c:a", "pcm_s16le", FileUrl(wavPath)]);
        await RunAsync(arguments, PipeTarget.Null, $"trimming '{Path.GetFileName(source)}'", cancellationToken);
    }

    /// <summary>A path as ffmpeg's <c>file:</c> URL: absolute, and never read as an option or another protocol.</summary>
    public static string FileUrl(string path) => "file:" + Path.GetFullPath(path);

    /// <summary>Whether the compressed streams can go into an mp4 unchanged.</summary>
    public static bool CanCopyToMp4(MediaInfo info) =>
        info.VideoCodec is { } v && Mp4Video.Contains(v) && info.AudioCodec is { } a && Mp4Audio.Contains(a);
}
