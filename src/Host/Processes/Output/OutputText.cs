using System.Buffers;
using System.Text;

namespace Supervisor.Host.Processes.Output;

/// <summary>The reference's byte-level text helpers for child output: <c>stripEscapes</c> and <c>repr(bytes)</c>.</summary>
internal static class OutputText
{
    private static readonly SearchValues<byte> AnsiTerminators = SearchValues.Create("HfABCDRsuJKhlpm"u8);

    /// <summary>
    /// dispatchers.stripEscapes: removes every <c>ESC [</c> … up to and including the first of
    /// <c>H f A B C D R s u J K h l p m</c>. An escape left open at the end of the chunk drops the rest of
    /// the chunk (the reference keeps no state between chunks, so neither do we).
    /// </summary>
    /// <returns>The number of bytes written to <paramref name="destination"/> (at most the source length).</returns>
    public static int StripAnsi(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var rest = source[i..];
            var begin = rest.IndexOf("\e["u8);
            if (begin < 0)
            {
                rest.CopyTo(destination[written..]);
                return written + rest.Length;
            }

            rest[..begin].CopyTo(destination[written..]);
            written += begin;

            // The reference starts looking for the terminator at the '[': it is no terminator, so start after it.
            var afterBracket = i + begin + 2;
            var end = source[afterBracket..].IndexOfAny(AnsiTerminators);
            if (end < 0)
            {
                return written;
            }

            i = afterBracket + end + 1;
        }

        return written;
    }

    /// <summary>Python 3 <c>repr(bytes)</c>: <c>b'...'</c>, double quotes only when the data holds a single quote and no double quote.</summary>
    public static string BytesRepr(ReadOnlySpan<byte> data)
    {
        var quote = data.Contains((byte)'\'') && !data.Contains((byte)'"') ? (byte)'"' : (byte)'\'';
        var builder = new StringBuilder(data.Length + 3);
        builder.Append('b').Append((char)quote);
        foreach (var b in data)
        {
            if (b == quote || b == '\\')
            {
                builder.Append('\\').Append((char)b);
            }
            else if (b == '\t')
            {
                builder.Append("\\t");
            }
            else if (b == '\n')
            {
                builder.Append("\\n");
            }
            else if (b == '\r')
            {
                builder.Append("\\r");
            }
            else if (b < 0x20 || b >= 0x7f)
            {
                builder.Append("\\x").Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xf));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.Append((char)quote).ToString();
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);
}
