using System.Buffers;
using System.Buffers.Text;
using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Unicode;
using Supervisor.Abstractions;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Writes XML-RPC values as UTF-8 straight into an <see cref="IBufferWriter{T}"/>, in the byte
/// layout of Python's <c>xmlrpc.client</c> marshaller (<c>xmlrpc.client.Marshaller</c>): each value is
/// <c>&lt;value&gt;…&lt;/value&gt;\n</c> (<c>&lt;nil/&gt;</c> without the newline, as Python does).
/// </summary>
/// <remarks>
/// Holds one span of the buffer writer at a time and advances it only when the span is full or
/// on <see cref="Flush"/>; call <see cref="Flush"/> once at the end. If a write throws (a value
/// that cannot be encoded), what was written is undefined: reset the buffer before writing a fault.
/// </remarks>
internal sealed class XmlRpcValueWriter
{
    /// <summary>Deeper nesting than this is taken for a cycle.</summary>
    public const int MaxDepth = 100;

    private const int MinimumChunk = 4096;
    private const int TranscodeChunk = 2048;

    private static readonly ConcurrentDictionary<Type, Action<XmlRpcValueWriter, object>> Encoders = new();
    private static readonly MethodInfo BoxPairsMethod = typeof(XmlRpcValueWriter).GetMethod(nameof(BoxPairs), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly IBufferWriter<byte> _output;
    private Memory<byte> _buffer;
    private int _position;
    private int _depth;

    public XmlRpcValueWriter(IBufferWriter<byte> output)
    {
        _output = output;
    }

    /// <summary>A writer for a value found <paramref name="depth"/> containers deep in another (a frozen result's own encoding), so a cycle through it still ends at <see cref="MaxDepth"/>.</summary>
    internal XmlRpcValueWriter(IBufferWriter<byte> output, int depth)
    {
        _output = output;
        _depth = depth;
    }

    /// <summary>Hands everything written so far to the buffer writer.</summary>
    public void Flush()
    {
        if (_position > 0)
        {
            _output.Advance(_position);
            _position = 0;
        }

        _buffer = default;
    }

    /// <summary>Writes bytes as they are (markup).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _position += bytes.Length;
    }

    /// <summary>Writes <c>&lt;value&gt;…&lt;/value&gt;\n</c> for any value XML-RPC carries (<see cref="XmlRpcTypes"/>).</summary>
    /// <exception cref="NotSupportedException">The value, or something inside it, cannot be encoded.</exception>
    public void WriteValue(object? value)
    {
        // The commonest types are answered here, as the table's own entries write them (a test holds the two
        // together); everything else is encoded as the table says, looked up once per type.
        switch (value)
        {
            case null:
                WriteNil();
                return;
            case string text:
                WriteString(text);
                return;
            case int number:
                WriteInt(number);
                return;
            case bool flag:
                WriteBoolean(flag);
                return;
            case long number:
                WriteLong(number);
                return;
            case double number:
                WriteDouble(number);
                return;
            case byte[] bytes:
                WriteBase64(bytes);
                return;
            case object?[] items:
                // Array covariance: any array of a reference type lands here.
                WriteItems(items);
                return;
            case FrozenResult frozen:
                WriteRaw(FrozenEncodings.Of(frozen, _depth));
                return;
        }

        Encoders.GetOrAdd(value.GetType(), EncoderFor)(this, value);
    }

    public void WriteNil() => WriteRaw("<value><nil/></value>"u8);

    /// <summary>Writes a string; null is written as <c>&lt;nil/&gt;</c>.</summary>
    public void WriteString(string? text)
    {
        if (text is null)
        {
            WriteNil();
            return;
        }

        WriteRaw("<value><string>"u8);
        WriteText(text);
        WriteRaw("</string></value>\n"u8);
    }

    public void WriteInt(int number)
    {
        WriteRaw("<value><int>"u8);
        WriteNumber(number);
        WriteRaw("</int></value>\n"u8);
    }

    /// <summary>Writes <c>&lt;int&gt;</c> when the number fits in 32 bits, else <c>&lt;i8&gt;</c> (ours: README, "Differences from Supervisor").</summary>
    public void WriteLong(long number)
    {
        if (number is >= int.MinValue and <= int.MaxValue)
        {
            WriteInt((int)number);
            return;
        }

        WriteRaw("<value><i8>"u8);
        WriteNumber(number);
        WriteRaw("</i8></value>\n"u8);
    }

    /// <summary>Writes an unsigned number; beyond the 64-bit range of <c>&lt;i8&gt;</c> it cannot be encoded.</summary>
    public void WriteUnsigned(ulong number)
    {
        if (number > long.MaxValue)
        {
            throw new NotSupportedException($"cannot encode {number}: beyond the 64-bit range of <i8>");
        }

        WriteLong((long)number);
    }

    /// <summary>Writes a character as a one-character string (a lone surrogate becomes U+FFFD, as in any string).</summary>
    public void WriteChar(char character)
    {
        WriteRaw("<value><string>"u8);
        WriteText(new ReadOnlySpan<char>(in character));
        WriteRaw("</string></value>\n"u8);
    }

    /// <summary>Writes a GUID as a string in its <c>"D"</c> form (<c>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>, lower case), as Python's <c>str(uuid)</c>.</summary>
    public void WriteGuid(Guid guid)
    {
        WriteRaw("<value><string>"u8);
        var span = Reserve(36);
        if (!guid.TryFormat(span, out var written, "D"))
        {
            throw new InvalidOperationException("a GUID did not fit in 36 bytes");
        }

        _position += written;
        WriteRaw("</string></value>\n"u8);
    }

    public void WriteBoolean(bool flag) =>
        WriteRaw(flag ? "<value><boolean>1</boolean></value>\n"u8 : "<value><boolean>0</boolean></value>\n"u8);

    /// <summary>Writes a double in Python's <c>repr</c> form (<c>1.0</c>, <c>1e+16</c>, <c>inf</c>).</summary>
    public void WriteDouble(double number)
    {
        WriteRaw("<value><double>"u8);
        PythonText.TryFormat(number, Reserve(32), out var written);
        _position += written;
        WriteRaw("</double></value>\n"u8);
    }

    /// <summary>Writes the clock time as <c>YYYYMMDDTHH:MM:SS</c>; the kind is not looked at.</summary>
    public void WriteDateTime(DateTime time)
    {
        WriteRaw("<value><dateTime.iso8601>"u8);
        var span = Reserve(32);
        if (!time.TryFormat(span, out var written, "yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("a date-time did not fit in 32 bytes");
        }

        _position += written;
        WriteRaw("</dateTime.iso8601></value>\n"u8);
    }

    /// <summary>Writes bytes as Python's <c>base64.encodebytes</c> does: 76-character lines, each ending in a newline.</summary>
    public void WriteBase64(ReadOnlySpan<byte> bytes)
    {
        const int BytesPerLine = 57;
        WriteRaw("<value><base64>\n"u8);
        while (!bytes.IsEmpty)
        {
            var line = bytes[..Math.Min(BytesPerLine, bytes.Length)];
            var span = Reserve(80);
            Base64.EncodeToUtf8(line, span, out _, out var written);
            span[written] = (byte)'\n';
            _position += written + 1;
            bytes = bytes[line.Length..];
        }

        WriteRaw("</base64></value>\n"u8);
    }

    /// <summary>
    /// Writes character data: escapes <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>, writes everything else
    /// as UTF-8, and replaces what XML 1.0 forbids with U+FFFD (see <see cref="XmlRpcText"/>).
    /// </summary>
    public void WriteText(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var stop = text.IndexOfAny(XmlRpcText.Special);
            if (stop < 0)
            {
                WriteUtf8(text);
                return;
            }

            WriteUtf8(text[..stop]);
            switch (text[stop])
            {
                case '&':
                    WriteRaw("&amp;"u8);
                    break;
                case '<':
                    WriteRaw("&lt;"u8);
                    break;
                case '>':
                    WriteRaw("&gt;"u8);
                    break;
                default:
                    WriteRaw(XmlRpcText.ReplacementUtf8);
                    break;
            }

            text = text[(stop + 1)..];
        }
    }

    /// <summary>Writes the opening of a struct member whose name is not known in advance.</summary>
    public void WriteMemberStart(string name)
    {
        WriteRaw("<member>\n<name>"u8);
        WriteText(name);
        WriteRaw("</name>\n"u8);
    }

    public void WriteMemberEnd() => WriteRaw("</member>\n"u8);

    public void BeginContainer()
    {
        if (++_depth > MaxDepth)
        {
            throw new NotSupportedException($"cannot encode values nested deeper than {MaxDepth} (a cycle?)");
        }
    }

    public void EndContainer() => _depth--;

    private void WriteEnum(object value)
    {
        if (Enum.GetUnderlyingType(value.GetType()) == typeof(ulong))
        {
            WriteUnsigned(Convert.ToUInt64(value, CultureInfo.InvariantCulture));
        }
        else
        {
            WriteLong(Convert.ToInt64(value, CultureInfo.InvariantCulture));
        }
    }

    private void WriteItems(object?[] items)
    {
        BeginContainer();
        WriteRaw("<value><array><data>\n"u8);
        foreach (var item in items)
        {
            WriteValue(item);
        }

        WriteRaw("</data></array></value>\n"u8);
        EndContainer();
    }

    private void WriteEnumerable(IEnumerable items)
    {
        BeginContainer();
        WriteRaw("<value><array><data>\n"u8);
        foreach (var item in items)
        {
            WriteValue(item);
        }

        WriteRaw("</data></array></value>\n"u8);
        EndContainer();
    }

    private void WriteRecord(StructShape shape, object value)
    {
        BeginContainer();
        shape.Write(value, this);
        EndContainer();
    }

    private void WriteDictionary(IDictionary dictionary)
    {
        BeginContainer();
        WriteRaw("<value><struct>\n"u8);
        var entries = dictionary.GetEnumerator();
        try
        {
            while (entries.MoveNext())
            {
                if (entries.Key is not string key)
                {
                    throw new NotSupportedException(
                        $"cannot encode {dictionary.GetType()}: struct keys must be strings, not {entries.Key.GetType()}");
                }

                WriteMemberStart(key);
                WriteValue(entries.Value);
                WriteMemberEnd();
            }
        }
        finally
        {
            (entries as IDisposable)?.Dispose();
        }

        WriteRaw("</struct></value>\n"u8);
        EndContainer();
    }

    private void WritePairs(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        BeginContainer();
        WriteRaw("<value><struct>\n"u8);
        foreach (var (key, item) in pairs)
        {
            WriteMemberStart(key);
            WriteValue(item);
            WriteMemberEnd();
        }

        WriteRaw("</struct></value>\n"u8);
        EndContainer();
    }

    private void WriteNumber<T>(T number)
        where T : IUtf8SpanFormattable
    {
        var span = Reserve(24);
        if (!number.TryFormat(span, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("a number did not fit in 24 bytes");
        }

        _position += written;
    }

    /// <summary>Transcodes a run free of specials; unpaired surrogates become U+FFFD.</summary>
    private void WriteUtf8(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var length = Math.Min(TranscodeChunk, text.Length);

            // Never split a surrogate pair between two chunks.
            if (length < text.Length && char.IsHighSurrogate(text[length - 1]))
            {
                length--;
            }

            var chunk = text[..length];
            var span = Reserve(chunk.Length * 3);
            Utf8.FromUtf16(chunk, span, out _, out var written, replaceInvalidSequences: true, isFinalBlock: true);
            _position += written;
            text = text[length..];
        }
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _position < size)
        {
            Flush();
            _buffer = _output.GetMemory(Math.Max(size, MinimumChunk));
        }

        return _buffer.Span[_position..];
    }

    /// <summary>How values of a type other than the commonest ones are written: as <see cref="XmlRpcTypes"/> says.</summary>
    private static Action<XmlRpcValueWriter, object> EncoderFor(Type type)
    {
        if (XmlRpcTypes.Scalar(type) is { } scalar)
        {
            return scalar.Write;
        }

        var kind = XmlRpcTypes.KindOf(type, out var refusal);
        if (kind == WireKind.Int)
        {
            // Enums: the integer types themselves are scalars.
            return static (writer, value) => writer.WriteEnum(value);
        }

        if (kind == WireKind.Struct && typeof(IDictionary).IsAssignableFrom(type))
        {
            return static (writer, value) => writer.WriteDictionary((IDictionary)value);
        }

        if (kind == WireKind.Struct && XmlRpcTypes.PairValueType(type) is { } pairValue)
        {
            // A generic dictionary that is not an IDictionary: its pairs, boxed.
            var pairs = BoxPairsMethod.MakeGenericMethod(pairValue).CreateDelegate<Func<object, IEnumerable<KeyValuePair<string, object?>>>>();
            return (writer, value) => writer.WritePairs(pairs(value));
        }

        if (kind == WireKind.Struct)
        {
            var shape = StructShape.For(type);
            return (writer, value) => writer.WriteRecord(shape, value);
        }

        if (kind == WireKind.Array)
        {
            return static (writer, value) => writer.WriteEnumerable((IEnumerable)value);
        }

        // A bare object, or a type the table refuses.
        var reason = $"cannot encode a value of type {XmlRpcTypes.Display(type)}: {refusal ?? "it has no XML-RPC form"}";
        return (_, _) => throw new NotSupportedException(reason);
    }

    private static IEnumerable<KeyValuePair<string, object?>> BoxPairs<T>(object source)
    {
        foreach (var (key, value) in (IEnumerable<KeyValuePair<string, T>>)source)
        {
            yield return new KeyValuePair<string, object?>(key, value);
        }
    }
}
