// Every test here runs ffmpeg, ffprobe or yt-dlp: the fast tier (./build.sh --target=Test --fast) leaves them out.
[assembly: Trait("Tier", "Tool")]
