using System.Globalization;
using System.Text;

namespace Supervisor.Ctl.XmlRpc;

/// <summary>
/// Reads a <c>methodResponse</c>: the one result value, or the fault as an <see cref="XmlRpcFault"/>.
/// A small reader for XML-RPC's subset of XML (elements, text, character and entity references,
/// comments and the XML declaration; no DTD), so the client does not load System.Xml at start-up.
/// Values decode as Python's <c>xmlrpc.client</c> decodes them: integers as <see cref="long"/>,
/// <c>&lt;value&gt;</c> without a type as a string, structs in document order.
/// </summary>
internal ref struct XmlRpcReader
{
    private readonly string _xml;
    private int _position;

    private XmlRpcReader(string xml)
    {
        _xml = xml;
    }

    /// <summary>The result of <paramref name="body"/>, or throws its fault.</summary>
    public static object? ReadResponse(ReadOnlySpan<byte> body)
    {
        var reader = new XmlRpcReader(Encoding.UTF8.GetString(body));
        return reader.Response();
    }

    private object? Response()
    {
        SkipProlog();
        Expect("methodResponse");
        var (name, empty) = StartTag();
        if (name == "fault")
        {
            Expect("value");
            var fault = Values.Struct(ValueBody());
            var code = (int)fault.Int("faultCode");
            var text = fault.Str("faultString");
            throw new XmlRpcFault(code, text);
        }

        if (name != "params" || empty)
        {
            throw Malformed($"expected <params>, found <{name}>");
        }

        Expect("param");
        Expect("value");
        var value = ValueBody();
        EndTag("param");
        EndTag("params");
        EndTag("methodResponse");
        return value;
    }

    /// <summary>Reads what follows a <c>&lt;value&gt;</c> start tag, through its end tag.</summary>
    private object? ValueBody()
    {
        var text = Text();
        if (Peek("</"))
        {
            EndTag("value");
            return text;
        }

        var (type, empty) = StartTag();
        object? value;
        switch (type)
        {
            case "string":
                value = empty ? "" : TextThen("string");
                break;
            case "int" or "i4" or "i8":
                var digits = TextThen(type).Trim();
                value = long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    ? number
                    : throw Malformed($"bad integer {digits}");
                break;
            case "boolean":
                value = TextThen("boolean").Trim() switch
                {
                    "1" or "true" => true,
                    "0" or "false" => false,
                    var other => throw Malformed($"bad boolean value {other}"),
                };
                break;
            case "double":
                var real = TextThen("double").Trim();
                value = double.TryParse(real, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw Malformed($"bad double {real}");
                break;
            case "dateTime.iso8601":
                value = new DateTimeValue(TextThen(type).Trim());
                break;
            case "base64":
                value = new Base64Value(Convert.FromBase64String(empty ? "" : TextThen("base64").Trim()));
                break;
            case "nil":
                if (!empty)
                {
                    EndTag("nil");
                }

                value = null;
                break;
            case "array":
                value = empty ? new List<object?>() : Array();
                break;
            case "struct":
                value = empty ? new OrderedDictionary<string, object?>(StringComparer.Ordinal) : Struct();
                break;
            default:
                throw Malformed($"unknown type <{type}>");
        }

        Text();
        EndTag("value");
        return value;
    }

    private List<object?> Array()
    {
        var items = new List<object?>();
        Text();
        var (data, empty) = StartTag();
        if (data != "data")
        {
            throw Malformed($"expected <data>, found <{data}>");
        }

        if (!empty)
        {
            while (true)
            {
                Text();
                if (Peek("</"))
                {
                    EndTag("data");
                    break;
                }

                var (name, emptyValue) = StartTag();
                if (name != "value")
                {
                    throw Malformed($"expected <value>, found <{name}>");
                }

                items.Add(emptyValue ? "" : ValueBody());
            }
        }

        Text();
        EndTag("array");
        return items;
    }

    private OrderedDictionary<string, object?> Struct()
    {
        var members = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            Text();
            if (Peek("</"))
            {
                EndTag("struct");
                return members;
            }

            Expect("member");
            Expect("name");
            var name = TextThen("name");
            Expect("value");
            members[name] = ValueBody();
            Text();
            EndTag("member");
        }
    }

    private void SkipProlog()
    {
        while (true)
        {
            SkipWhitespace();
            if (Peek("<?"))
            {
                SkipPast("?>");
            }
            else if (Peek("<!--"))
            {
                SkipPast("-->");
            }
            else if (Peek("<!"))
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
    private (string Name, bool Empty) StartTag()
    {
        SkipMisc();
        if (!Peek("<") || Peek("</"))
        {
            throw Malformed("expected a start tag");
        }

        var start = ++_position;
        while (_position < _xml.Length && !char.IsWhiteSpace(_xml[_position]) && _xml[_position] is not ('>' or '/'))
        {
            _position++;
        }

        var name = _xml[start.._position];
        var close = _xml.IndexOf('>', _position);
        if (close < 0)
        {
            throw Malformed("unterminated tag");
        }

        var empty = _xml[close - 1] == '/';
        _position = close + 1;
        return (name, empty);
    }

    private void Expect(string name)
    {
        var (found, empty) = StartTag();
        if (found != name || empty)
        {
            throw Malformed($"expected <{name}>, found <{found}>");
        }
    }

    private void EndTag(string name)
    {
        SkipMisc();
        if (!Peek("</"))
        {
            throw Malformed($"expected </{name}>");
        }

        var close = _xml.IndexOf('>', _position);
        if (close < 0 || _xml.AsSpan(_position + 2, close - _position - 2).Trim().ToString() != name)
        {
            throw Malformed($"expected </{name}>");
        }

        _position = close + 1;
    }

    /// <summary>Character data up to the next tag (comments skipped), references resolved, line ends normalized as XML does.</summary>
    private string Text()
    {
        StringBuilder? text = null;
        while (_position < _xml.Length)
        {
            if (Peek("<!--"))
            {
                SkipPast("-->");
                continue;
            }

            if (Peek("<![CDATA["))
            {
                var end = _xml.IndexOf("]]>", _position, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Malformed("unterminated CDATA section");
                }

                (text ??= new()).Append(Normalize(_xml[(_position + 9)..end]));
                _position = end + 3;
                continue;
            }

            var next = _xml.IndexOfAny(['<', '&'], _position);
            if (next < 0)
            {
                throw Malformed("unexpected end of document");
            }

            if (next > _position)
            {
                (text ??= new()).Append(Normalize(_xml[_position..next]));
                _position = next;
            }

            if (_xml[next] == '<')
            {
                break;
            }

            (text ??= new()).Append(Reference());
        }

        return text?.ToString() ?? "";
    }

    private string TextThen(string endTag)
    {
        var text = Text();
        EndTag(endTag);
        return text;
    }

    private string Reference()
    {
        var end = _xml.IndexOf(';', _position);
        if (end < 0)
        {
            throw Malformed("unterminated reference");
        }

        var name = _xml[(_position + 1)..end];
        _position = end + 1;
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

    private void SkipMisc()
    {
        while (true)
        {
            SkipWhitespace();
            if (Peek("<!--"))
            {
                SkipPast("-->");
            }
            else
            {
                return;
            }
        }
    }

    private void SkipWhitespace()
    {
        while (_position < _xml.Length && _xml[_position] is ' ' or '\t' or '\r' or '\n')
        {
            _position++;
        }
    }

    private void SkipPast(string end)
    {
        var index = _xml.IndexOf(end, _position, StringComparison.Ordinal);
        _position = index < 0 ? throw Malformed($"expected {end}") : index + end.Length;
    }

    private readonly bool Peek(string text) => _xml.AsSpan(_position).StartsWith(text, StringComparison.Ordinal);

    private readonly PythonException Malformed(string why) =>
        new("xml.parsers.expat.ExpatError", string.Create(CultureInfo.InvariantCulture, $"{why}: at character {_position}"));
}
