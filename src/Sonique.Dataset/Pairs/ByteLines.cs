namespace Sonique.Dataset.Pairs;

/// <summary>
/// Splits a stream into lines at "\n" as raw bytes, so each line is decoded (and a bad byte reported) on its own line
/// number, which a buffered text reader decoding ahead could not promise.
/// </summary>
internal sealed class ByteLines(Stream stream)
{
    private byte[] _buffer = new byte[65536];
    private int _start;
    private int _end;
    private bool _ended;

    /// <summary>The next line without its "\n" (a "\r" before it stays: JSON reads it as whitespace), or null at the end.
    /// The bytes are valid until the next call.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = _buffer.AsMemory(_start, newline);
                _start += newline + 1;
                return line;
            }

            if (_ended)
            {
                if (_start == _end)
                {
                    return null;
                }

                var rest = _buffer.AsMemory(_start, _end - _start);
                _start = _end;
                return rest;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                _ended = true;
            }
            else
            {
                _end += read;
            }
        }
    }
}
