using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using FFMpegCore;
using FFMpegCore.Enums;
using FFMpegCore.Exceptions;

namespace Sonique.Media;

/// <summary>
/// ffmpeg and ffprobe, by path. Arguments are passed as a list, never through a shell, and input files
/// are always absolute paths, so nothing in a file name or a title is ever read as an option or a protocol.
/// </summary>
public sealed class Ffmpeg
{
    private static readonly HashSet<string> Mp4Video = new(StringComparer.Ordinal) { "h264", "hevc", "av1", "mpeg4" };
    private static readonly HashSet<string> Mp4Audio = new(StringComparer.Ordinal) { "aac", "mp3", "ac3" };

    private readonly FFOptions _options;

    public Ffmpeg(string ffmpegPath = "ffmpeg", string ffprobePath = "ffprobe")
    {
        FfmpegPath = ffmpegPath;
        FfprobePath = ffprobePath;
        var folder = Path.GetDirectoryName(ffmpegPath);
        if (!string.IsNullOrEmpty(folder) && Path.GetDirectoryName(ffprobePath) != folder)
        {
            throw new ArgumentException($"ffmpeg ('{ffmpegPath}') and ffprobe ('{ffprobePath}') must be in the same folder.");
        }

        // FFMpegCore finds both tools by folder; an empty folder means the PATH.
        _options = new FFOptions { BinaryFolder = folder ?? string.Empty };
    }

    public string FfmpegPath { get; }

    public string FfprobePath { get; }

    /// <summary>Runs ffmpeg quietly with the given arguments; a failure carries ffmpeg's last words.</summary>
    public Task RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(arguments, PipeTarget.Null, cancellationToken);

    /// <summary>Runs ffmpeg with its output (`-` as the output file) streamed into <paramref name="standardOutput"/>,
    /// for raw samples and frames that never touch the disk.</summary>
    public Task RunAsync(IEnumerable<string> arguments, Stream standardOutput, CancellationToken cancellationToken) =>
        RunAsync(arguments, PipeTarget.ToStream(standardOutput), cancellationToken);

    private async Task RunAsync(IEnumerable<string> arguments, PipeTarget standardOutput, CancellationToken cancellationToken)
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
            throw new MediaToolException("ffmpeg", $"exit code {result.ExitCode}: {ToolOutput.Tail(stderr.ToString())}");
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
        IMediaAnalysis analysis;
        try
        {
            analysis = await FFProbe.AnalyseAsync(Path.GetFullPath(path), _options, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is FFMpegException or FormatNullException or System.Text.Json.JsonException)
        {
            throw new MediaToolException("ffprobe", $"'{Path.GetFileName(path)}' is not readable media: {ToolOutput.Tail(e.Message, 2)}", e);
        }

        var video = analysis.VideoStreams.FirstOrDefault(s => s.CodecName is not "mjpeg" and not "png");
        var audio = analysis.PrimaryAudioStream;
        var streams = new[] { video?.Duration ?? TimeSpan.Zero, audio?.Duration ?? TimeSpan.Zero }.Max();
        return new MediaInfo(analysis.Duration, streams > TimeSpan.Zero ? streams : analysis.Duration, video?.CodecName, audio?.CodecName, video?.Width ?? 0, video?.Height ?? 0);
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
        var seconds = length.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var arguments = FFMpegArguments
            .FromFileInput(Path.GetFullPath(source), verifyExists: true)
            .OutputToMany(outputs => outputs
                .OutputToFile(Path.GetFullPath(mp4Path), overwrite: true, o =>
                {
                    o.WithCustomArgument($"-map 0:v:0 -map 0:a:0 -t {seconds} -map_metadata -1 -map_chapters -1");
                    if (copy)
                    {
                        o.CopyStreams();
                    }
                    else
                    {
                        o.WithVideoCodec(VideoCodec.LibX264).WithConstantRateFactor(23)
                            .WithCustomArgument("-preset veryfast -pix_fmt yuv420p").WithAudioCodec(AudioCodec.Aac).WithAudioBitrate(192);
                    }

                    o.WithFastStart();
                })
                .OutputToFile(Path.GetFullPath(wavPath), overwrite: true, o => o
                    .WithCustomArgument($"-map 0:a:0 -t {seconds} -map_metadata -1 -ac 2")
                    .WithAudioSamplingRate(44100)
                    .WithAudioCodec("pcm_s16le")));
        try
        {
            await arguments.ProcessAsynchronously(throwOnError: true, _options, cancellationToken);
        }
        catch (FFMpegException e)
        {
            throw new MediaToolException("ffmpeg", $"trimming '{Path.GetFileName(source)}' failed: {ToolOutput.Tail(e.Message)}", e);
        }
    }

    /// <summary>Whether the compressed streams can go into an mp4 unchanged.</summary>
    public static bool CanCopyToMp4(MediaInfo info) =>
        info.VideoCodec is { } v && Mp4Video.Contains(v) && info.AudioCodec is { } a && Mp4Audio.Contains(a);
}
