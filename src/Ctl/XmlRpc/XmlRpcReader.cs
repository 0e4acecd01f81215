using System.Buffers;
using System.Globalization;
using System.Text;

namespace Supervisor.Ctl.XmlRpc;

/// <summary>
/// Reads a <c>methodResponse</c>: the one result value, or the fault as an <see cref="XmlRpcFault"/>.
/// A small reader for XML-RPC's subset of XML (elements, text, character and entity references,
/// comments and the XML declaration; no DTD), so the client does not load System.Xml at start-up.
/// Values decode as Python's <c>xmlrpc.client</c> decodes them: integers as <see cref="long"/>,
/// <c>&lt;value&gt;</c> without a type as a string, structs in document order.
/// It reads the UTF-8 bytes as they came: only the texts a value holds become strings (a status of 200
/// processes is 200 kB of answer, and making it one string, then a string per run of whitespace
/// between tags, made reading it most of the client's time), and a struct's member names are made once.
/// </summary>
internal ref struct XmlRpcReader
{
    private static readonly SearchValues<byte> TextEnds = SearchValues.Create("<&"u8);

    private readonly ReadOnlySpan<byte> _xml;
    private readonly List<string> _memberNames = [];
    private int _position;

    private XmlRpcReader(ReadOnlySpan<byte> xml)
    {
        _xml = xml;
    }

    /// <summary>The result of <paramref name="body"/>, or throws its fault.</summary>
    public static object? ReadResponse(ReadOnlySpan<byte> body)
    {
        var reader = new XmlRpcReader(body);
        return reader.Response();
    }

    private object? Response()
    {
        SkipProlog();
        Expect("methodResponse"u8);
        var name = StartTag(out var empty);
        if (name.SequenceEqual("fault"u8))
        {
            Expect("value"u8);
            var fault = Values.Struct(ValueBody());
            var code = (int)fault.Int("faultCode");
            var text = fault.Str("faultString");
            throw new XmlRpcFault(code, text);
        }

        if (!name.SequenceEqual("params"u8) || empty)
        {
            throw Malformed($"expected <params>, found <{Decode(name)}>");
        }

        Expect("param"u8);
        Expect("value"u8);
        var value = ValueBody();
        EndTag("param"u8);
        EndTag("params"u8);
        EndTag("methodResponse"u8);
        return value;
    }

    /// <summary>Reads what follows a <c>&lt;value&gt;</c> start tag, through its end tag.</summary>
    private object? ValueBody()
    {
        var textStart = _position;
        SkipText();
        if (Peek("</"u8))
        {
            _position = textStart;
            var text = Text();
            EndTag("value"u8);
            return text;
        }

        var type = StartTag(out var empty);
        object? value;
        switch (type)
        {
            case var _ when type.SequenceEqual("string"u8):
                value = empty ? "" : TextThen("string"u8);
                break;
            case var _ when type.SequenceEqual("int"u8) || type.SequenceEqual("i4"u8) || type.SequenceEqual("i8"u8):
                value = Integer(type);
                break;
            case var _ when type.SequenceEqual("boolean"u8):
                value = TextThen("boolean"u8).Trim() switch
                {
                    "1" or "true" => true,
                    "0" or "false" => false,
                    var other => throw Malformed($"bad boolean value {other}"),
                };
                break;
            case var _ when type.SequenceEqual("double"u8):
                var real = TextThen("double"u8).Trim();
                value = double.TryParse(real, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw Malformed($"bad double {real}");
                break;
            case var _ when type.SequenceEqual("dateTime.iso8601"u8):
                value = new DateTimeValue(TextThen(type).Trim());
                break;
            case var _ when type.SequenceEqual("base64"u8):
                value = new Base64Value(Convert.FromBase64String(empty ? "" : TextThen("base64"u8).Trim()));
                break;
            case var _ when type.SequenceEqual("nil"u8):
                if (!empty)
                {
                    EndTag("nil"u8);
                }

                value = null;
                break;
            case var _ when type.SequenceEqual("array"u8):
                value = empty ? new List<object?>() : Array();
                break;
            case var _ when type.SequenceEqual("struct"u8):
                value = empty ? new OrderedDictionary<string, object?>(StringComparer.Ordinal) : Struct();
                break;
            default:
                throw Malformed($"unknown type <{Decode(type)}>");
        }

        SkipText();
        EndTag("value"u8);
        return value;
    }

    /// <summary>
    /// An <c>int</c>, <c>i4</c> or <c>i8</c>: its text trimmed, an optional sign and digits. Plain ASCII
    /// digits are read from the bytes; text with references, CDATA or other characters goes the string way.
    /// </summary>
    private long Integer(ReadOnlySpan<byte> type)
    {
        var end = _xml[_position..].IndexOf((byte)'<');
        if (end >= 0)
        {
            var digits = _xml.Slice(_position, end).Trim(" \t\n\v\f\r"u8);
            if (System.Text.Ascii.IsValid(digits) && !digits.Contains((byte)'&') && !Peek("<!"u8, _position + end)
                && long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var quick))
            {
                _position += end;
                EndTag(type);
                return quick;
            }
        }

        var text = TextThen(type).Trim();
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Malformed($"bad integer {text}");
    }

    private List<object?> Array()
    {
        var items = new List<object?>();
        SkipText();
        var data = StartTag(out var empty);
        if (!data.SequenceEqual("data"u8))
        {
            throw Malformed($"expected <data>, found <{Decode(data)}>");
        }

        if (!empty)
        {
            while (true)
            {
                SkipText();
                if (Peek("</"u8))
                {
                    EndTag("data"u8);
                    break;
                }

                var name = StartTag(out var emptyValue);
                if (!name.SequenceEqual("value"u8))
                {
                    throw Malformed($"expected <value>, found <{Decode(name)}>");
                }

                items.Add(emptyValue ? "" : ValueBody());
            }
        }

        SkipText();
        EndTag("array"u8);
        return items;
    }

    private OrderedDictionary<string, object?> Struct()
    {
        var members = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipText();
            if (Peek("</"u8))
            {
                EndTag("struct"u8);
                return members;
            }

            Expect("member"u8);
            Expect("name"u8);
            var name = MemberName();
            Expect("value"u8);
            members[name] = ValueBody();
            SkipText();
            EndTag("member"u8);
        }
    }

    /// <summary>A member's name through its end tag; the structs of a list repeat the same few names, made into strings once.</summary>
    private string MemberName()
    {
        var end = _xml[_position..].IndexOf((byte)'<');
        if (end > 0 && !_xml.Slice(_position, end).ContainsAny((byte)'&', (byte)'\r') && !Peek("<!"u8, _position + end))
        {
            var bytes = _xml.Slice(_position, end);
            foreach (var known in _memberNames)
            {
                if (known.Length == bytes.Length && System.Text.Ascii.Equals(bytes, known))
                {
                    _position += end;
                    EndTag("name"u8);
                    return known;
                }
            }
        }

        var name = TextThen("name"u8);
        if (_memberNames.Count < 64 && System.Text.Ascii.IsValid(name))
        {
            _memberNames.Add(name);
        }

        return name;
    }

    private void SkipProlog()
    {
        while (true)
        {
            SkipWhitespace();
            if (Peek("<?"u8))
            {
                SkipPast("?>"u8);
            }
            else if (Peek("<!--"u8))
            {
                SkipPast("-->"u8);
            }
            else if (Peek("<!"u8))
            {
                throw Malformed("a document type declaration is not accepted");
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Reads a start tag, skipping whitespace and comments before it.</summary>
    private ReadOnlySpan<byte> StartTag(out bool empty)
    {
        SkipMisc();
        if (!Peek("<"u8) || Peek("</"u8))
        {
            throw Malformed("expected a start tag");
        }

        var start = ++_position;
        while (_position < _xml.Length && _xml[_position] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'>' or (byte)'/'))
        {
            _position++;
        }

        var name = _xml[start.._position];
        var close = _xml[_position..].IndexOf((byte)'>');
        if (close < 0)
        {
            throw Malformed("unterminated tag");
        }

        close += _position;
        empty = _xml[close - 1] == '/';
        _position = close + 1;
        return name;
    }

    private void Expect(ReadOnlySpan<byte> name)
    {
        var found = StartTag(out var empty);
        if (!found.SequenceEqual(name) || empty)
        {
            throw Malformed($"expected <{Decode(name)}>, found <{Decode(found)}>");
        }
    }

    private void EndTag(ReadOnlySpan<byte> name)
    {
        SkipMisc();
        if (!Peek("</"u8))
        {
            throw Malformed($"expected </{Decode(name)}>");
        }

        var close = _xml[_position..].IndexOf((byte)'>');
        if (close < 0 || !_xml.Slice(_position + 2, close - 2).Trim(" \t\n\v\f\r"u8).SequenceEqual(name))
        {
            throw Malformed($"expected </{Decode(name)}>");
        }

        _position += close + 1;
    }

    /// <summary>Character data up to the next tag (comments skipped), references resolved, line ends normalized as XML does.</summary>
    private string Text()
    {
        // Most texts are one run of characters up to a tag: one string, nothing else made.
        var next = _xml[_position..].IndexOfAny(TextEnds);
        if (next >= 0 && _xml[_position + next] == '<' && !Peek("<!"u8, _position + next) && !_xml.Slice(_position, next).Contains((byte)'\r'))
        {
            var run = _xml.Slice(_position, next);
            _position += next;
            return run.IsEmpty ? "" : Encoding.UTF8.GetString(run);
        }

        var text = new StringBuilder();
        ReadText(text);
        return text.ToString();
    }

    /// <summary>Passes character data that means nothing (between tags), checking it as <see cref="Text"/> would, making no string.</summary>
    private void SkipText() => ReadText(null);

    /// <summary>Character data up to the next tag into <paramref name="text"/> (when given): comments skipped, CDATA and references resolved.</summary>
    private void ReadText(StringBuilder? text)
    {
        while (_position < _xml.Length)
        {
            if (Peek("<!--"u8))
            {
                SkipPast("-->"u8);
                continue;
            }

            if (Peek("<![CDATA["u8))
            {
                var end = _xml[_position..].IndexOf("]]>"u8);
                if (end < 0)
                {
                    throw Malformed("unterminated CDATA section");
                }

                text?.Append(Normalize(Encoding.UTF8.GetString(_xml.Slice(_position + 9, end - 9))));
                _position += end + 3;
                continue;
            }

            var next = _xml[_position..].IndexOfAny(TextEnds);
            if (next < 0)
            {
                throw Malformed("unexpected end of document");
            }

            if (next > 0)
            {
                text?.Append(Normalize(Encoding.UTF8.GetString(_xml.Slice(_position, next))));
                _position += next;
            }

            if (_xml[_position] == '<')
            {
                if (Peek("<!--"u8) || Peek("<![CDATA["u8))
                {
                    // Text goes on after a comment or a CDATA section, as expat reads it.
                    continue;
                }

                break;
            }

            var reference = Reference();
            text?.Append(reference);
        }
    }

    private string TextThen(ReadOnlySpan<byte> endTag)
    {
        var text = Text();
        EndTag(endTag);
        return text;
    }

    private string Reference()
    {
        var end = _xml[_position..].IndexOf((byte)';');
        if (end < 0)
        {
            throw Malformed("unterminated reference");
        }

        var name = Encoding.UTF8.GetString(_xml.Slice(_position + 1, end - 1));
        _position += end + 1;
        switch (name)
        {
            case "lt":
                return "<";
            case "gt":
                return ">";
            case "amp":
                return "&";
            case "quot":
                return "\"";
            case "apos":
                return "'";
        }

        if (name.StartsWith('#'))
        {
            var hex = name.StartsWith("#x", StringComparison.Ordinal);
            if (int.TryParse(hex ? name[2..] : name[1..], hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var codePoint)
                && codePoint is > 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
            {
                return char.ConvertFromUtf32(codePoint);
            }
        }

        throw Malformed($"undefined entity &{name};");
    }

    private static string Normalize(string text) =>
        text.Contains('\r') ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : text;

    private static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private void SkipMisc()
    {
        while (true)
        {
            SkipWhitespace();
            if (Peek("<!--"u8))
            {
                SkipPast("-->"u8);
            }
            else
            {
                return;
            }
        }
    }

    private void SkipWhitespace()
    {
        while (_position < _xml.Length && _xml[_position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            _position++;
        }
    }

    private void SkipPast(ReadOnlySpan<byte> end)
    {
        var index = _xml[_position..].IndexOf(end);
        _position = index < 0 ? throw Malformed($"expected {Decode(end)}") : _position + index + end.Length;
    }

    private readonly bool Peek(ReadOnlySpan<byte> text) => Peek(text, _position);

    private readonly bool Peek(ReadOnlySpan<byte> text, int at) => _xml[at..].StartsWith(text);

    /// <summary>Python's expat names the place by line and column; the byte offset says where as well.</summary>
    private readonly PythonException Malformed(string why) =>
        new("xml.parsers.expat.ExpatError", string.Create(CultureInfo.InvariantCulture, $"{why}: at byte {_position}"));
}
