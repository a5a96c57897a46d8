using System.Text;
using Sonique.Dataset.Pairs;
using Sonique.Media.Clips;
using Sonique.Tests.Shared;

namespace Sonique.Dataset.Tests.Pairs;

/// <summary>
/// The chat JSONL is Python's json.dumps byte for byte: checked against files Python wrote (golden/), then read back,
/// with broken lines reported by file and line.
/// </summary>
public sealed class ChatJsonlTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_golden_clip_is_written_byte_for_byte_as_pythons_json_dumps_wrote_it()
    {
        var path = _folder.PathOf("all.jsonl");

        await ChatJsonl.WriteAsync(path, GoldenClips.ByClipId, Ct);

        Assert.Equal(GoldenClips.Bytes("all.jsonl"), await File.ReadAllBytesAsync(path, Ct));
    }

    [Fact]
    public async Task The_originals_example_line_is_reproduced_byte_for_byte()
    {
        var expected = await File.ReadAllTextAsync(GoldenClips.PathOf("original-example.jsonl"), Ct);

        var line = ChatJsonl.Line(ChatJsonl.Conversation(GoldenClips.Original));

        Assert.Equal(expected, line + "\n");
        Assert.StartsWith("{\"messages\": [{\"role\": \"system\", \"content\": \"As a music composer fluent in English, you're tasked", line, StringComparison.Ordinal);
        Assert.Contains("JSON structure: {{'tags': ['tag1', 'tag2', 'tag3']}}\"}, {\"role\": \"user\", \"content\": \"The scene shows", line, StringComparison.Ordinal);
        Assert.EndsWith("\"}, {\"role\": \"assistant\", \"content\": \"Piano, Groovy Bass, Drumming, Live Performance, Hip-Hop, Rap, Electric Guitar, Upbeat, Urban, Pop, Energetic, Male Vocals, Bass Guitar, Synth Lead, 136 bpm\"}]}", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("é", "\\u00e9")]
    [InlineData("\U0001F3B5", "\\ud83c\\udfb5")]
    [InlineData("\u0000\u0001\u001f", "\\u0000\\u0001\\u001f")]
    [InlineData("\u007f", "\\u007f")]
    [InlineData("\u2028\uffff", "\\u2028\\uffff")]
    [InlineData("\b\f\n\r\t", "\\b\\f\\n\\r\\t")]
    [InlineData("\"\\", "\\\"\\\\")]
    [InlineData("/ ' < > & ~ {}", "/ ' < > & ~ {}")]
    public void A_string_is_escaped_as_python_escapes_it(string content, string escaped)
    {
        var line = ChatJsonl.Line([new ChatMessage("user", content)]);

        Assert.Equal("{\"messages\": [{\"role\": \"user\", \"content\": \"" + escaped + "\"}]}", line);
    }

    [Fact]
    public void Lone_and_reversed_surrogates_are_escaped_one_by_one_as_python_does()
    {
        // Not InlineData: attribute strings are stored as UTF-8, which cannot hold a lone surrogate.
        var line = ChatJsonl.Line([new ChatMessage("user", "\udc80 \ud83d! \udc00\ud800 \ud83c\udfb5")]);

        Assert.Equal("{\"messages\": [{\"role\": \"user\", \"content\": \"\\udc80 \\ud83d! \\udc00\\ud800 \\ud83c\\udfb5\"}]}", line);
    }

    [Fact]
    public void An_empty_conversation_is_an_empty_list_as_in_python() =>
        Assert.Equal("{\"messages\": []}", ChatJsonl.Line([]));

    [Fact]
    public void A_conversation_is_the_system_prompt_the_description_then_the_tags_verbatim()
    {
        var pair = new ClipPair(ClipId.Parse("c"), "A beach.", "Guitar, Calm, 80 BPM", ["Guitar", "Calm"], 80);

        var conversation = ChatJsonl.Conversation(pair);

        Assert.Equal(
            [new ChatMessage("system", ChatPrompt.SystemText), new ChatMessage("user", "A beach."), new ChatMessage("assistant", "Guitar, Calm, 80 BPM")],
            conversation);
    }

    [Fact]
    public void The_system_prompt_is_one_line_with_the_originals_literal_braces_and_quotes()
    {
        Assert.DoesNotContain('\n', ChatPrompt.SystemText);
        Assert.DoesNotContain("  ", ChatPrompt.SystemText, StringComparison.Ordinal);
        Assert.StartsWith("As a music composer fluent in English, you're tasked", ChatPrompt.SystemText, StringComparison.Ordinal);
        Assert.EndsWith("in the following JSON structure: {{'tags': ['tag1', 'tag2', 'tag3']}}", ChatPrompt.SystemText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_golden_file_reads_back_as_the_conversations_lone_surrogates_included()
    {
        var read = await ToListAsync(ChatJsonl.ReadAsync(GoldenClips.PathOf("all.jsonl"), Ct));

        Assert.Equal(GoldenClips.ByClipId.Count, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            Assert.Equal(ChatJsonl.Conversation(GoldenClips.ByClipId[i]), read[i]);
        }
    }

    [Fact]
    public async Task What_is_written_reads_back_unchanged_for_any_utf16_text()
    {
        var random = new Random(17);
        var pairs = Enumerable.Range(0, 200).Select(i => new ClipPair(ClipId.Parse($"c{i}"), RandomText(random), RandomText(random), [], null)).ToList();
        var path = _folder.PathOf("random.jsonl");

        await ChatJsonl.WriteAsync(path, pairs, Ct);
        var read = await ToListAsync(ChatJsonl.ReadAsync(path, Ct));

        Assert.Equal(pairs.Select(ChatJsonl.Conversation), read);
        Assert.All(await File.ReadAllBytesAsync(path, Ct), b => Assert.InRange(b, (byte)0x0a, (byte)0x7e));
    }

    [Fact]
    public async Task A_broken_line_fails_naming_the_file_and_its_line_number()
    {
        var good = ChatJsonl.Line(ChatJsonl.Conversation(GoldenClips.Original));
        var path = _folder.PathOf("broken.jsonl");
        await File.WriteAllTextAsync(path, $"{good}\n{good}\n{{\"messages\": [{{\"role\": \"user\"\n{good}\n", Ct);

        var read = new List<IReadOnlyList<ChatMessage>>();
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var conversation in ChatJsonl.ReadAsync(path, Ct))
            {
                read.Add(conversation);
            }
        });

        Assert.Equal(2, read.Count);
        Assert.StartsWith($"'{path}' line 3: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the line is empty")]
    [InlineData("[]", "expected a JSON object, found an array")]
    [InlineData("{\"turns\": []}", "no \"messages\"")]
    [InlineData("{\"messages\": {}}", "\"messages\" is an object, not an array")]
    [InlineData("{\"messages\": [\"hi\"]}", "message 0 is a string, not an object")]
    [InlineData("{\"messages\": [{\"role\": \"user\"}]}", "message 0 has no \"content\"")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": 3}]}", "message 1's \"content\" is a number, not a string")]
    [InlineData("{\"messages\": []} {}", "not valid JSON")]
    [InlineData("{\"messages\": [], \"messages\": []}", "\"messages\" appears twice")]
    public async Task A_line_that_is_not_a_conversation_is_refused_saying_why(string line, string why)
    {
        var path = _folder.PathOf("bad.jsonl");
        await File.WriteAllTextAsync(path, "{\"messages\": []}\n" + line + "\n", Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ToListAsync(ChatJsonl.ReadAsync(path, Ct)));

        Assert.StartsWith($"'{path}' line 2: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_refused_on_their_own_line()
    {
        var path = _folder.PathOf("latin1.jsonl");
        var good = Encoding.ASCII.GetBytes("{\"messages\": []}\n");
        await File.WriteAllBytesAsync(path, [.. good, .. good, .. "{\"messages\": [{\"role\": \"user\", \"content\": \"caf"u8, 0xe9, .. "\"}]}\n"u8], Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ToListAsync(ChatJsonl.ReadAsync(path, Ct)));

        Assert.StartsWith($"'{path}' line 3: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_properties_escaped_names_crlf_and_a_missing_last_newline_are_read()
    {
        var path = _folder.PathOf("lenient.jsonl");
        await File.WriteAllTextAsync(path,
            "{\"id\": 7, \"messages\": [{\"r\\u006fle\": \"user\", \"content\": \"caf\\u00E9 \\/ \\ud83c\\udfb5\", \"weight\": [1, {}]}]}\r\n{\"messages\": []}", Ct);

        var read = await ToListAsync(ChatJsonl.ReadAsync(path, Ct));

        Assert.Equal(2, read.Count);
        Assert.Equal([new ChatMessage("user", "café / \U0001F3B5")], read[0]);
        Assert.Empty(read[1]);
    }

    [Fact]
    public async Task Writing_replaces_the_file_whole_and_leaves_no_temporary_file()
    {
        var path = _folder.PathOf("data.jsonl");
        await ChatJsonl.WriteAsync(path, GoldenClips.ByClipId, Ct);

        await ChatJsonl.WriteAsync(path, [GoldenClips.Original], Ct);

        Assert.Equal(GoldenClips.Bytes("original-example.jsonl"), await File.ReadAllBytesAsync(path, Ct));
        Assert.Equal(["data.jsonl"], Directory.GetFiles(_folder.Root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_write_cancelled_halfway_leaves_the_old_file_and_no_temporary_file()
    {
        var path = _folder.PathOf("data.jsonl");
        await ChatJsonl.WriteAsync(path, [GoldenClips.Original], Ct);
        using var cancel = new CancellationTokenSource();

        IEnumerable<ClipPair> CancelAfterTwo()
        {
            yield return GoldenClips.ByClipId[0];
            yield return GoldenClips.ByClipId[1];
            cancel.Cancel();
            yield return GoldenClips.ByClipId[2];
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ChatJsonl.WriteAsync(path, CancelAfterTwo(), cancel.Token));

        Assert.Equal(GoldenClips.Bytes("original-example.jsonl"), await File.ReadAllBytesAsync(path, Ct));
        Assert.Equal(["data.jsonl"], Directory.GetFiles(_folder.Root).Select(Path.GetFileName));
    }

    private static async Task<List<IReadOnlyList<ChatMessage>>> ToListAsync(IAsyncEnumerable<IReadOnlyList<ChatMessage>> conversations)
    {
        var list = new List<IReadOnlyList<ChatMessage>>();
        await foreach (var conversation in conversations)
        {
            list.Add(conversation);
        }

        return list;
    }

    /// <summary>Any UTF-16 code units at all, lone surrogates and control characters included, biased towards the ones that need escaping.</summary>
    private static string RandomText(Random random)
    {
        var chars = new char[random.Next(0, 40)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(4) switch
            {
                0 => (char)random.Next(0, 0x80),
                1 => (char)random.Next(0xd800, 0xe000),
                2 => "\"\\/\n\r\t\b\f"[random.Next(8)],
                _ => (char)random.Next(0, 0x10000),
            };
        }

        return new string(chars);
    }
}
