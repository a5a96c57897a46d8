using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Sonique.Dataset.Pairs;

/// <summary>
/// Reads one line of the chat dataset into its messages, strictly, so that whatever is wrong with a line is reported
/// with the file and line it is on.
/// </summary>
internal static class ChatLineReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ChatMessage[] Parse(ReadOnlySpan<byte> line, string path, int number)
    {
        try
        {
            return Read(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' line {number}: not valid JSON ({e.Message})", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"'{path}' line {number}: not valid UTF-8 ({e.Message})", e);
        }
        catch (LineProblem e)
        {
            throw new InvalidDataException($"'{path}' line {number}: {e.Message}", e);
        }
    }

    private static ChatMessage[] Read(ReadOnlySpan<byte> line)
    {
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            throw new LineProblem("the line is empty, where a conversation was expected");
        }

        var reader = new Utf8JsonReader(line);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new LineProblem($"expected a JSON object, found {Describe(reader.TokenType)}");
        }

        ChatMessage[]? messages = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("messages"u8))
            {
                if (messages is not null)
                {
                    throw new LineProblem("\"messages\" appears twice");
                }

                reader.Read();
                messages = ReadMessages(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.Read())
        {
            throw new LineProblem("there is more after the conversation's object");
        }

        return messages ?? throw new LineProblem("the object has no \"messages\"");
    }

    private static ChatMessage[] ReadMessages(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new LineProblem($"\"messages\" is {Describe(reader.TokenType)}, not an array");
        }

        var messages = new List<ChatMessage>(3);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            messages.Add(ReadMessage(ref reader, messages.Count));
        }

        return [.. messages];
    }

    private static ChatMessage ReadMessage(ref Utf8JsonReader reader, int index)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new LineProblem($"message {index} is {Describe(reader.TokenType)}, not an object");
        }

        string? role = null;
        string? content = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8))
            {
                reader.Read();
                role = role is null ? ReadString(ref reader, index, "role") : throw new LineProblem($"message {index} has \"role\" twice");
            }
            else if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                content = content is null ? ReadString(ref reader, index, "content") : throw new LineProblem($"message {index} has \"content\" twice");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ChatMessage(
            role ?? throw new LineProblem($"message {index} has no \"role\""),
            content ?? throw new LineProblem($"message {index} has no \"content\""));
    }

    private static string ReadString(ref Utf8JsonReader reader, int index, string name)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new LineProblem($"message {index}'s \"{name}\" is {Describe(reader.TokenType)}, not a string");
        }

        return reader.ValueIsEscaped ? Unescape(reader.ValueSpan) : StrictUtf8.GetString(reader.ValueSpan);
    }

    /// <summary>
    /// JSON unescaping that, like Python's <c>json.loads</c>, keeps a lone surrogate (<c>\udc80</c>) as that UTF-16 code
    /// unit instead of refusing it. The reader has already checked the escapes' syntax.
    /// </summary>
    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        var builder = new StringBuilder(raw.Length);
        while (!raw.IsEmpty)
        {
            var backslash = raw.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                builder.Append(StrictUtf8.GetString(raw));
                break;
            }

            builder.Append(StrictUtf8.GetString(raw[..backslash]));
            var kind = raw[backslash + 1];
            raw = raw[(backslash + 2)..];
            switch (kind)
            {
                case (byte)'"':
                    builder.Append('"');
                    break;
                case (byte)'\\':
                    builder.Append('\\');
                    break;
                case (byte)'/':
                    builder.Append('/');
                    break;
                case (byte)'b':
                    builder.Append('\b');
                    break;
                case (byte)'f':
                    builder.Append('\f');
                    break;
                case (byte)'n':
                    builder.Append('\n');
                    break;
                case (byte)'r':
                    builder.Append('\r');
                    break;
                case (byte)'t':
                    builder.Append('\t');
                    break;
                case (byte)'u' when raw.Length >= 4 && Utf8Parser.TryParse(raw[..4], out ushort unit, out var used, 'X') && used == 4:
                    builder.Append((char)unit);
                    raw = raw[4..];
                    break;
                default:
                    throw new LineProblem($"a string holds the unknown escape '\\{(char)kind}'");
            }
        }

        return builder.ToString();
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>What is wrong with a line, before the file and line number are put in front of it.</summary>
    private sealed class LineProblem(string message) : Exception(message);
}
