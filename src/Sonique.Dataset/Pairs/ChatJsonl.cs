using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Sonique.Files;

namespace Sonique.Dataset.Pairs;

/// <summary>
/// The chat dataset file: one conversation per line, <c>{"messages": [{"role": ..., "content": ...}, ...]}</c>, written
/// byte for byte as the original's <c>f.write(json.dumps(item) + "\n")</c> wrote it, so the fine-tuning data here and there
/// are the same file given the same clips.
/// </summary>
public static class ChatJsonl
{
    /// <summary>
    /// One conversation as Python's <c>json.dumps({"messages": [...]})</c> writes it with its defaults, without the newline:
    /// separators <c>", "</c> and <c>": "</c>, keys in the order role then content, every non-ASCII character escaped
    /// (see <see cref="PythonJson"/>). The result is pure ASCII.
    /// </summary>
    public static string Line(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var builder = new StringBuilder(256);
        builder.Append("{\"messages\": [");
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"Message {i} is null.", nameof(messages));
            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append("{\"role\": ");
            PythonJson.AppendString(builder, message.Role ?? throw new ArgumentException($"Message {i} has no role.", nameof(messages)));
            builder.Append(", \"content\": ");
            PythonJson.AppendString(builder, message.Content ?? throw new ArgumentException($"Message {i} has no content.", nameof(messages)));
            builder.Append('}');
        }

        builder.Append("]}");
        return builder.ToString();
    }

    /// <summary>The original's conversation for one clip: the system prompt, the scene description, then the tags verbatim.</summary>
    public static ChatMessage[] Conversation(ClipPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return [.. ChatPrompt.Question(pair.Description, TagPromptStyle.SystemTurn), new("assistant", pair.Tags)];
    }

    /// <summary>
    /// Writes one line per pair, in the order given, each ended by "\n", as UTF-8 without a byte order mark. The file is
    /// written beside its final name and renamed into place, so a reader never sees half a dataset.
    /// </summary>
    public static Task WriteAsync(string path, IEnumerable<ClipPair> pairs, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(pairs);
        return AtomicFile.WriteAsync(path, async (stream, token) =>
        {
            var writer = new StreamWriter(stream, AtomicFile.Utf8, 65536, leaveOpen: true) { NewLine = "\n" };
            await using (writer)
            {
                foreach (var pair in pairs)
                {
                    token.ThrowIfCancellationRequested();
                    await writer.WriteAsync(Line(Conversation(pair)).AsMemory(), token);
                    await writer.WriteAsync("\n".AsMemory(), token);
                }

                await writer.FlushAsync(token);
            }
        }, ct);
    }

    /// <summary>
    /// Reads the conversations back, one per line. A line that is not a JSON object with a <c>messages</c> array of
    /// <c>{"role": string, "content": string}</c> objects (an empty line included) fails with an
    /// <see cref="InvalidDataException"/> naming the file and the 1-based line number, so a broken dataset is found where it is broken.
    /// </summary>
    /// <remarks>
    /// The structure is read with <see cref="Utf8JsonReader"/>, but escaped strings are unescaped here, because
    /// System.Text.Json refuses an escaped lone surrogate (<c>\udc80</c>) that Python writes and reads back without complaint.
    /// Properties other than <c>messages</c>, <c>role</c> and <c>content</c> are skipped.
    /// </remarks>
    public static async IAsyncEnumerable<IReadOnlyList<ChatMessage>> ReadAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 65536, useAsync: true);
        await using (stream)
        {
            var lines = new ByteLines(stream);
            for (var number = 1; ; number++)
            {
                var line = await lines.NextAsync(ct);
                if (line is not { } bytes)
                {
                    yield break;
                }

                if (number == 1 && bytes.Span.StartsWith("\uFEFF"u8))
                {
                    bytes = bytes[3..];
                }

                yield return ChatLineReader.Parse(bytes.Span, path, number);
            }
        }
    }
}
