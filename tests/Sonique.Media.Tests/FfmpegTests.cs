using Sonique.Tests.Shared;

namespace Sonique.Media.Tests;

public sealed class FfmpegTests : IDisposable
{
    private readonly string _dir = TempFolder.Create("ffmpeg-");
    private readonly Ffmpeg _ffmpeg = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(TrimMode.Copy, 3.0)]
    [InlineData(TrimMode.Reencode, 3.0)]
    [InlineData(TrimMode.Auto, 2.5)]
    public async Task Trim_keeps_the_first_seconds_of_video_and_audio_within_a_tenth(TrimMode mode, double seconds)
    {
        var ct = TestContext.Current.CancellationToken;
        var source = TestMedia.Write(Path.Combine(_dir, "source.mp4"), 7);
        var info = await _ffmpeg.ProbeAsync(source, ct);
        var mp4 = Path.Combine(_dir, "out.mp4");
        var wav = Path.Combine(_dir, "out.wav");

        await _ffmpeg.TrimAsync(source, info, TimeSpan.FromSeconds(seconds), mode, mp4, wav, ct);

        Assert.InRange(TestMedia.Duration(mp4), seconds - 0.1, seconds + 0.1);
        Assert.InRange(TestMedia.Duration(wav), seconds - 0.1, seconds + 0.1);
        Assert.Equal(["h264", "aac"], TestMedia.Codecs(mp4));
        Assert.Equal(["pcm_s16le"], TestMedia.Codecs(wav));
        // 44.1 kHz, 16-bit, stereo, as the original wrote its audio.
        Assert.InRange(new FileInfo(wav).Length - 44, (long)((seconds - 0.1) * 176400), (long)((seconds + 0.1) * 176400));
    }

    [Fact]
    public async Task Auto_copies_a_whole_clip_and_reencodes_a_cut_that_B_frames_would_overshoot()
    {
        var ct = TestContext.Current.CancellationToken;
        // veryfast uses B-frames: a copied cut at 12 fps ends up to two frames (0.17 s) late.
        var source = TestMedia.Write(Path.Combine(_dir, "b.mp4"), 6, preset: "veryfast");
        var info = await _ffmpeg.ProbeAsync(source, ct);
        var mp4 = Path.Combine(_dir, "o.mp4");
        var wav = Path.Combine(_dir, "o.wav");

        Assert.Equal(TrimMode.Copy, await _ffmpeg.TrimAsync(source, info, TimeSpan.FromSeconds(60), TrimMode.Auto, mp4, wav, ct));
        Assert.InRange(TestMedia.Duration(mp4), 5.9, 6.1);

        Assert.Equal(TrimMode.Reencode, await _ffmpeg.TrimAsync(source, info, TimeSpan.FromSeconds(3), TrimMode.Auto, mp4, wav, ct));
        Assert.InRange(TestMedia.Duration(mp4), 2.9, 3.1);
        Assert.InRange(TestMedia.Duration(wav), 2.9, 3.1);
    }

    [Fact]
    public async Task Auto_reencodes_what_an_mp4_cannot_hold_by_copy()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = TestMedia.Write(Path.Combine(_dir, "source.webm"), 3, videoCodec: "libvpx-vp9", audioCodec: "libopus");
        var info = await _ffmpeg.ProbeAsync(source, ct);
        Assert.False(Ffmpeg.CanCopyToMp4(info));

        await _ffmpeg.TrimAsync(source, info, TimeSpan.FromSeconds(2), TrimMode.Auto, Path.Combine(_dir, "o.mp4"), Path.Combine(_dir, "o.wav"), ct);

        Assert.Equal(["h264", "aac"], TestMedia.Codecs(Path.Combine(_dir, "o.mp4")));
    }

    [Fact]
    public async Task Probe_tells_streams_apart_and_refuses_what_is_not_media()
    {
        var ct = TestContext.Current.CancellationToken;
        var silent = await _ffmpeg.ProbeAsync(TestMedia.Write(Path.Combine(_dir, "silent.mp4"), 2, audio: false), ct);
        Assert.True(silent.HasVideo);
        Assert.False(silent.HasAudio);
        Assert.InRange(silent.Duration.TotalSeconds, 1.9, 2.1);

        var junk = Path.Combine(_dir, "junk.mp4");
        await File.WriteAllBytesAsync(junk, new byte[4096], ct);
        var error = await Assert.ThrowsAsync<MediaToolException>(() => _ffmpeg.ProbeAsync(junk, ct));
        Assert.Contains("junk.mp4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_named_like_an_option_is_still_read_as_a_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = TestMedia.Write(Path.Combine(_dir, "-i evil.mp4"), 2);
        var info = await _ffmpeg.ProbeAsync(source, ct);

        await _ffmpeg.TrimAsync(source, info, TimeSpan.FromSeconds(1), TrimMode.Copy, Path.Combine(_dir, "-y.mp4"), Path.Combine(_dir, "-y.wav"), ct);

        Assert.True(File.Exists(Path.Combine(_dir, "-y.mp4")));
    }

    [Fact]
    public async Task Names_with_quotes_backslashes_control_characters_and_shell_syntax_are_read_as_names()
    {
        var ct = TestContext.Current.CancellationToken;
        var outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        using var snapshot = new OutsideSnapshot(outside);
        var clip = TestMedia.Write(Path.Combine(_dir, "clip.mp4"), 2);
        string[] names =
        [
            "it's \"quoted\".mp4",
            $"x.mp4\" -o \"{snapshot.CurrentDirectorySentinelName}\" \"x.mp4",
            "x.mp4\" -o \"README.md\" \"x.mp4",
            "back\\slash \\\" end.mp4",
            "new\nline.mp4",
            "tab\there.mp4",
            "$(touch PWNED).mp4",
            "file:other.mp4",
        ];
        var work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;
        foreach (var name in names)
        {
            var source = Path.Combine(work, name);
            File.Copy(clip, source);
            var info = await _ffmpeg.ProbeAsync(source, ct);
            Assert.True(info.HasVideo && info.HasAudio, name);
            Assert.InRange(info.Duration.TotalSeconds, 1.9, 2.1);
            Assert.Equal((160, 90), (info.Width, info.Height));

            var output = Path.Combine(work, name + " out");
            await _ffmpeg.TrimAsync(source, info, TimeSpan.FromSeconds(1), TrimMode.Reencode, output + ".mp4", output + ".wav", ct);
            Assert.InRange(TestMedia.Duration(output + ".mp4"), 0.9, 1.1);
            Assert.InRange(TestMedia.Duration(output + ".wav"), 0.9, 1.1);
        }

        snapshot.AssertUnchanged();
        Assert.Empty(Directory.EnumerateFiles(_dir, "PWNED", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "PWNED")));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "README.md")));
    }

    [Fact]
    public async Task Probe_reads_what_ffprobe_reports_of_a_matroska_file()
    {
        var ct = TestContext.Current.CancellationToken;
        // Matroska streams carry no duration field, only a DURATION tag.
        var source = TestMedia.Write(Path.Combine(_dir, "clip.webm"), 3, videoCodec: "libvpx-vp9", audioCodec: "libopus");

        var info = await _ffmpeg.ProbeAsync(source, ct);

        Assert.Equal(("vp9", "opus"), (info.VideoCodec, info.AudioCodec));
        Assert.InRange(info.Duration.TotalSeconds, 2.9, 3.1);
        Assert.InRange(info.StreamDuration.TotalSeconds, 2.9, 3.1);
    }

    [Fact]
    public async Task A_missing_tool_is_named_with_how_to_get_it()
    {
        var error = await Assert.ThrowsAsync<MediaToolException>(
            () => new Ffmpeg("/nonexistent/ffmpeg", "/nonexistent/ffprobe").VersionAsync(TestContext.Current.CancellationToken));
        Assert.Contains("/nonexistent/ffmpeg", error.Message, StringComparison.Ordinal);
        Assert.Contains("tools.ffmpeg", error.Message, StringComparison.Ordinal);
    }
}
