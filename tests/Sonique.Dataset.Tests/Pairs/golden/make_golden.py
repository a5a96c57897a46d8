# Makes the golden files the Pair tests compare against, with Python's own json.dumps, as the original did:
#   f.write(json.dumps(item) + "\n")
# Run once from this folder: python3 make_golden.py   (the tests never run Python; they read the files it wrote).
# The clips below are written out again, by hand, in GoldenClips.cs: the tests check both spell the same clips.
import csv
import hashlib
import json

SYSTEM = ("As a music composer fluent in English, you're tasked with creating background music for video. "
          "Based on the scene described, provide only one set of tags in English that describe this background music for the video. "
          "These tags must include instruments, music genres, and tempo rate(e.g. 90 BPM). Avoid any non-English words. "
          "Please return the tags in the following JSON structure: {{'tags': ['tag1', 'tag2', 'tag3']}}")

ORIGINAL_USER = ("The scene shows a group of young men standing on railroad tracks in a city. They are wearing hats and sunglasses, "
                 "and there are black and white striped bags visible. There are also street signs and cars parked in the background. "
                 "The scene changes throughout the video, with the men sometimes standing together and sometimes standing on the "
                 "railroad tracks alone.")
ORIGINAL_ASSISTANT = ("Piano, Groovy Bass, Drumming, Live Performance, Hip-Hop, Rap, Electric Guitar, Upbeat, Urban, Pop, Energetic, "
                      "Male Vocals, Bass Guitar, Synth Lead, 136 bpm")

# (clip id, description, tags)
CLIPS = [
    ("clip-01-quotes", 'A sign reads "EXIT" and a path C:\\music\\video.mp4 is shown; half/quarter', 'Piano, "Soft" Rock, 92 BPM'),
    ("clip-02-whitespace", "Line one.\nLine two.\r\n\tIndented\tcolumns.  Two spaces.", "Ambient, Calm, 70 BPM"),
    ("clip-03-accents", "Un café près de la fenêtre, déjà vu. Ça commence à l'aube.", "Acoustic Guitar, Café Jazz, 110 BPM"),
    ("clip-04-cjk", "城市夜景，霓虹灯闪烁。A city at night, neon lights flicker.", "Synth, 电子, 128 BPM"),
    ("clip-05-emoji", "A party \U0001F389 with music \U0001F3B5 and a thumbs up \U0001F44D\U0001F3FD.", "Pop, Energetic, 124 BPM"),
    ("clip-06-surrogates", "lone high \ud83d here, lone low \udc80 there, reversed \udc00\ud800 end", "Glitch, Noise\udfff, 140 BPM"),
    ("clip-07-control", "nul\x00 soh\x01 bell\x07 bs\b ff\f vt\x0b esc\x1b us\x1f del\x7f nbsp\xa0 ls\u2028 ps\u2029 bom\ufeff end",
     "Drums, 100 BPM"),
    ("clip-08-html", "<script>alert('x')</script> & 'single' quotes, slashes // and \\/ done {{braces}}", "Rock, Electric Guitar, 150 BPM"),
    ("clip-09-empty", "", ""),
    ("original-example", ORIGINAL_USER, ORIGINAL_ASSISTANT),
]

SALT = "golden"
VALIDATION = 0.25
TEST = 0.25


def line(description, tags):
    item = {"messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": description},
                         {"role": "assistant", "content": tags}]}
    return json.dumps(item) + "\n"


def split(clip_id):
    u = int.from_bytes(hashlib.sha256((SALT + "\n" + clip_id).encode("utf-8")).digest()[:8], "big") / 2**64
    return "test" if u < TEST else "validation" if u < TEST + VALIDATION else "train"


def write(name, clips):
    with open(name, "w", encoding="utf-8", newline="\n") as f:
        for clip_id, description, tags in clips:
            f.write(line(description, tags))


clips = sorted(CLIPS, key=lambda c: c[0])
write("all.jsonl", clips)
write("original-example.jsonl", [c for c in clips if c[0] == "original-example"])
for name in ("train", "validation", "test"):
    write(name + ".jsonl", [c for c in clips if split(c[0]) == name])
with open("splits.csv", "w", encoding="utf-8", newline="") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(["clip_id", "split", "kept", "note"])
    for clip_id, _, _ in clips:
        writer.writerow([clip_id, split(clip_id), "true", ""])

# Sanity: json.loads gives back every string, lone surrogates included.
with open("all.jsonl", encoding="utf-8") as f:
    for (clip_id, description, tags), text in zip(clips, f):
        messages = json.loads(text)["messages"]
        assert [m["content"] for m in messages] == [SYSTEM, description, tags], clip_id
print({c[0]: split(c[0]) for c in clips})
