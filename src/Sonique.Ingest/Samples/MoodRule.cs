using Sonique.Media.Music;

namespace Sonique.Ingest.Samples;

/// <summary>
/// The sample library's one rule tying picture to music, so that later stages have something real to learn
/// and ground truth to be checked against. A clip's mood is drawn first; everything below follows from it.
/// <code>
/// mood   | colours                                | brightness    | motion     | shots      | BPM     | mode  | sound
/// night  | navy, indigo, purple, midnight blue    | dark          | slow drift | 6-8 s      | 62-78   | minor | soft pad, sub bass, light kick and hat
/// dawn   | pale pink, peach, orange, pale gold    | bright        | slow       | 5-7 s      | 80-96   | major | piano (decaying harmonics), soft bass, soft kick and hat
/// nature | green, olive, yellow-green, leaf green | medium-bright | moderate   | 3-5 s      | 98-112  | major | plucked guitar (Karplus-Strong), acoustic bass, shaker, kick and snare
/// city   | grey, cyan, teal, slate                | medium        | moderate   | 2-4 s      | 114-126 | minor | electric piano, square lead, funky bass, kick, snare, hats
/// party  | magenta, hot pink, yellow, violet      | bright        | fast       | 1-2 s      | 128-138 | major | saw stabs and lead, offbeat bass, four-on-the-floor kick, claps, open hats
/// storm  | red, black, dark red, charcoal         | dark          | fast       | 0.5-1.5 s  | 142-168 | minor | distorted saw/square chords and bass, heavy drums
/// </code>
/// Within a mood: the tempo is a whole number of BPM, uniform over the range; the key's tonic is uniform over
/// the twelve pitch classes; shot lengths are uniform over the range in quarter seconds (every shot but the
/// last, which the clip's end cuts short). Harmony is one chord per bar of four beats, I-V-vi-IV in major and
/// i-VI-III-VII in minor, with the tonic chord also on the final bar and a quiet tonic drone under
/// everything, so a key finder hears the tonic and not the relative key. Drums sit exactly on the beat grid.
/// </summary>
public static class MoodRule
{
    private static readonly MoodProfile[] Profiles =
    [
        new()
        {
            Mood = Mood.Night,
            Palette = [new("navy", "#141B4D"), new("indigo", "#2B1B6B"), new("purple", "#3F1D5C"), new("midnight blue", "#0C1030")],
            Brightness = "dark",
            Motion = "slow drift",
            RotationPerSecond = 0.08,
            MinShotSeconds = 6,
            MaxShotSeconds = 8,
            MinBpm = 62,
            MaxBpm = 78,
            Mode = Mode.Minor,
            Genre = "Ambient",
            Instruments = ["Synth Pad", "Sub Bass", "Kick", "Hi-Hat"],
            MoodWords = ["Calm", "Dreamy", "Melancholic", "Nocturnal"],
            TitleFirstWords = ["Midnight", "Moonlit", "Velvet", "Silent", "Distant", "Starless"],
            TitleSecondWords = ["Drive", "Lullaby", "Hours", "Echoes", "Skyline", "Tide"],
            Arrangement = new(
                [
                    new(Timbre.Sine, PartRole.Drone, "x---------------", 4, 0.20),
                    new(Timbre.Pad, PartRole.Chord, "x---------------", 4, 0.30),
                    new(Timbre.Sine, PartRole.Bass, "x---------------", 2, 0.50),
                ],
                [
                    new(Drum.Kick, "x.......x.......", 0.50),
                    new(Drum.ClosedHat, "x...x...x...x...", 0.40),
                ]),
        },
        new()
        {
            Mood = Mood.Dawn,
            Palette = [new("pale pink", "#F9C6D3"), new("peach", "#FFCBA4"), new("orange", "#FFA45C"), new("pale gold", "#FFE3A3")],
            Brightness = "bright",
            Motion = "slow",
            RotationPerSecond = 0.15,
            MinShotSeconds = 5,
            MaxShotSeconds = 7,
            MinBpm = 80,
            MaxBpm = 96,
            Mode = Mode.Major,
            Genre = "Neo-Classical",
            Instruments = ["Piano", "Bass", "Soft Percussion"],
            MoodWords = ["Hopeful", "Warm", "Gentle", "Uplifting"],
            TitleFirstWords = ["First", "Golden", "Early", "Quiet", "Morning", "Soft"],
            TitleSecondWords = ["Light", "Horizon", "Sunrise", "Bloom", "Promise", "Glow"],
            Arrangement = new(
                [
                    new(Timbre.Sine, PartRole.Drone, "x---------------", 4, 0.20),
                    new(Timbre.Piano, PartRole.Chord, "x---x---x---x---", 4, 0.30),
                    new(Timbre.Piano, PartRole.Arpeggio, "x.x.x.x.x.x.x.x.", 5, 0.16),
                    new(Timbre.Sine, PartRole.Bass, "x---x---x---x---", 2, 0.40),
                ],
                [
                    new(Drum.Kick, "x.......x.......", 0.45),
                    new(Drum.ClosedHat, "x...x...x...x...", 0.25),
                ]),
        },
        new()
        {
            Mood = Mood.Nature,
            Palette = [new("green", "#3E9B3A"), new("olive", "#7D8B2C"), new("yellow-green", "#A4C639"), new("leaf green", "#6BBF59")],
            Brightness = "medium-bright",
            Motion = "moderate",
            RotationPerSecond = 0.35,
            MinShotSeconds = 3,
            MaxShotSeconds = 5,
            MinBpm = 98,
            MaxBpm = 112,
            Mode = Mode.Major,
            Genre = "Folk",
            Instruments = ["Acoustic Guitar", "Acoustic Bass", "Shaker", "Drums"],
            MoodWords = ["Cheerful", "Organic", "Relaxed", "Carefree"],
            TitleFirstWords = ["Green", "Wild", "Open", "Sunlit", "Mossy", "Rolling"],
            TitleSecondWords = ["Fields", "Meadow", "Trail", "Canopy", "River", "Valley"],
            Arrangement = new(
                [
                    new(Timbre.Sine, PartRole.Drone, "x---------------", 4, 0.20),
                    new(Timbre.Pluck, PartRole.Chord, "x---x---x-x-x---", 4, 0.40),
                    new(Timbre.Pluck, PartRole.Bass, "x-------o-------", 2, 0.55),
                ],
                [
                    new(Drum.Kick, "x.......x.......", 0.60),
                    new(Drum.Snare, "....x.......x...", 0.35),
                    new(Drum.Shaker, "x.o.x.o.x.o.x.o.", 0.20),
                ]),
        },
        new()
        {
            Mood = Mood.City,
            Palette = [new("grey", "#7B8088"), new("cyan", "#3DB7C9"), new("teal", "#23807F"), new("slate", "#46525E")],
            Brightness = "medium",
            Motion = "moderate",
            RotationPerSecond = 0.5,
            MinShotSeconds = 2,
            MaxShotSeconds = 4,
            MinBpm = 114,
            MaxBpm = 126,
            Mode = Mode.Minor,
            Genre = "Funk",
            Instruments = ["Electric Piano", "Square Lead", "Bass Guitar", "Drums"],
            MoodWords = ["Cool", "Groovy", "Urban", "Focused"],
            TitleFirstWords = ["Concrete", "Glass", "Downtown", "Metro", "Steel", "Late"],
            TitleSecondWords = ["Avenue", "Lights", "Transit", "Towers", "Crossing", "Signal"],
            Arrangement = new(
                [
                    new(Timbre.Sine, PartRole.Drone, "x---------------", 4, 0.20),
                    new(Timbre.ElectricPiano, PartRole.Chord, "x---x---x---x---", 4, 0.30),
                    new(Timbre.Square, PartRole.Arpeggio, "x.x.x.x.x.x.x.x.", 5, 0.10),
                    new(Timbre.Saw, PartRole.Bass, "x..xo.x.x..xo.x.", 2, 0.40),
                ],
                [
                    new(Drum.Kick, "x.......x.x.....", 0.70),
                    new(Drum.Snare, "....x.......x...", 0.50),
                    new(Drum.ClosedHat, "x.x.x.x.x.x.x.x.", 0.22),
                ]),
        },
        new()
        {
            Mood = Mood.Party,
            Palette = [new("magenta", "#FF33CC"), new("hot pink", "#FF4FA0"), new("yellow", "#FFE600"), new("violet", "#B43CFF")],
            Brightness = "bright",
            Motion = "fast",
            RotationPerSecond = 1.1,
            MinShotSeconds = 1,
            MaxShotSeconds = 2,
            MinBpm = 128,
            MaxBpm = 138,
            Mode = Mode.Major,
            Genre = "Dance",
            Instruments = ["Saw Lead", "Synth Bass", "Kick", "Claps", "Hi-Hat"],
            MoodWords = ["Energetic", "Euphoric", "Happy", "Danceable"],
            TitleFirstWords = ["Electric", "Neon", "Sugar", "Disco", "Sparkle", "Golden"],
            TitleSecondWords = ["Fever", "Rush", "Heartbeat", "Carnival", "Lights", "Party"],
            Arrangement = new(
                [
                    new(Timbre.Sine, PartRole.Drone, "x---------------", 4, 0.20),
                    new(Timbre.Saw, PartRole.Chord, "..x-..x-..x-..x-", 4, 0.25),
                    new(Timbre.Saw, PartRole.Arpeggio, "x.x.x.x.x.x.x.x.", 5, 0.08),
                    new(Timbre.Saw, PartRole.Bass, "..x-..x-..x-..x-", 2, 0.40),
                ],
                [
                    new(Drum.Kick, "x...x...x...x...", 0.90),
                    new(Drum.Clap, "....x.......x...", 0.45),
                    new(Drum.OpenHat, "..x...x...x...x.", 0.22),
                ]),
        },
        new()
        {
            Mood = Mood.Storm,
            Palette = [new("red", "#B0141E"), new("black", "#0A0A0C"), new("dark red", "#5C0A10"), new("charcoal", "#22232A")],
            Brightness = "dark",
            Motion = "fast",
            RotationPerSecond = 1.6,
            MinShotSeconds = 0.5,
            MaxShotSeconds = 1.5,
            MinBpm = 142,
            MaxBpm = 168,
            Mode = Mode.Minor,
            Genre = "Industrial",
            Instruments = ["Distorted Synth", "Distorted Bass", "Heavy Drums"],
            MoodWords = ["Aggressive", "Dark", "Intense", "Tense"],
            TitleFirstWords = ["Iron", "Black", "Burning", "Broken", "Savage", "Thunder"],
            TitleSecondWords = ["Storm", "Rage", "Engine", "Fury", "Collapse", "Warning"],
            Arrangement = new(
                [
                    new(Timbre.Sine, PartRole.Drone, "x---------------", 4, 0.20),
                    new(Timbre.Distorted, PartRole.Chord, "x-------x-------", 3, 0.25),
                    new(Timbre.Distorted, PartRole.Bass, "x.x.x.x.x.x.x.x.", 2, 0.30),
                ],
                [
                    new(Drum.Kick, "x...x...x...x...", 1.00),
                    new(Drum.Snare, "....x.......x...", 0.70),
                    new(Drum.ClosedHat, "x.x.x.x.x.x.x.x.", 0.30),
                ]),
        },
    ];

    public static IReadOnlyList<MoodProfile> All => Profiles;

    public static MoodProfile Of(Mood mood) => Profiles[(int)mood];
}
