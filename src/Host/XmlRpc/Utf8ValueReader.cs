using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Walks the document with a small parser straight over its UTF-8 bytes, several times faster
/// than <see cref="System.Xml.XmlReader"/> on large responses. Used by the client-side response
/// reader; requests from the network keep the framework's parser.
/// </summary>
/// <remarks>
/// It checks what a well-formed XML-RPC document needs: valid UTF-8 with no character XML 1.0
/// forbids, matching start and end tags, quoted attributes (their values are ignored), the five
/// predefined entities and character references. It skips comments, processing instructions and
/// the XML declaration, rejects any DTD, and normalises line ends in text as XML does. It does
/// not check the syntax of text it skips (between elements) nor of names beyond their first character.
/// </remarks>
internal sealed class Utf8ValueReader : XmlRpcValueReader
{
    private static readonly SearchValues<byte> ForbiddenBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private readonly byte[] _data;
    private readonly int _end;
    private readonly List<(int Start, int Length)> _open = [];
    private int _position;
    private int _nameStart;
    private int _nameLength;
    private bool _empty;
    private string _localName = string.Empty;

    // Recently decoded short ASCII texts (struct keys, states, small numbers), reused instead of
    // allocated again: a 1,000-process response repeats the same 14 keys 1,000 times.
    private readonly string?[] _recent = new string?[256];

    private Utf8ValueReader(byte[] data, int start, int end, XmlRpcLimits? limits)
        : base(limits)
    {
        _data = data;
        _position = start;
        _end = end;
    }

    public override string LocalName => _localName;

    public override string Name => Encoding.UTF8.GetString(_data, _nameStart, _nameLength);

    private ReadOnlySpan<byte> Rest => _data.AsSpan(_position, _end - _position);

    /// <summary>Runs <paramref name="read"/> over <paramref name="body"/>; an unreadable body is an <see cref="XmlRpcFormatException"/>.</summary>
    public static T Read<T>(in ReadOnlySequence<byte> body, XmlRpcLimits? limits, Func<XmlRpcValueReader, T> read) =>
        Read(Document(body), limits, read);

    /// <summary>Runs <paramref name="read"/> over a document that <see cref="Document"/> returned.</summary>
    public static T Read<T>(ArraySegment<byte> document, XmlRpcLimits? limits, Func<XmlRpcValueReader, T> read)
    {
        using var reader = new Utf8ValueReader(document.Array!, document.Offset, document.Offset + document.Count, limits);
        return read(reader);
    }

    /// <summary>
    /// The body as one array segment without its byte order mark, once its bytes are checked: valid
    /// UTF-8 and no character XML 1.0 forbids; otherwise an <see cref="XmlRpcFormatException"/>.
    /// </summary>
    public static ArraySegment<byte> Document(in ReadOnlySequence<byte> body)
    {
        ArraySegment<byte> bytes;
        if (!body.IsSingleSegment || !MemoryMarshal.TryGetArray(body.First, out bytes))
        {
            bytes = body.ToArray();
        }

        var span = bytes.AsSpan();
        if (!Utf8.IsValid(span))
        {
            throw new XmlRpcFormatException("body is not valid UTF-8");
        }

        if (span.IndexOfAny(ForbiddenBytes) >= 0 || span.IndexOf("\uFFFE"u8) >= 0 || span.IndexOf("\uFFFF"u8) >= 0)
        {
            throw new XmlRpcFormatException("malformed XML: a character XML 1.0 forbids");
        }

        return span.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;
    }

    public override void MoveToRoot()
    {
        while (true)
        {
            SkipWhitespace();
            if (_position >= _end)
            {
                throw new XmlRpcFormatException("body holds no XML element");
            }

            if (!SkipMarkup())
            {
                ParseStartTag();
                return;
            }
        }
    }

    public override void ReadToEnd()
    {
        while (true)
        {
            SkipWhitespace();
            if (_position >= _end)
            {
                return;
            }

            if (!SkipMarkup())
            {
                throw new XmlRpcFormatException("malformed XML: content after the root element");
            }
        }
    }

    public override bool Enter()
    {
        if (_empty)
        {
            return false;
        }

        _open.Add((_nameStart, _nameLength));
        return true;
    }

    public override bool NextChild()
    {
        while (true)
        {
            var next = Rest.IndexOf((byte)'<');
            if (next < 0)
            {
                throw Truncated();
            }

            _position += next;
            if (Peek(1) == '/')
            {
                ParseEndTag();
                return false;
            }

            if (!SkipMarkup(allowCData: true))
            {
                ParseStartTag();
                return true;
            }
        }
    }

    protected override string? CollectText()
    {
        string? first = null;
        StringBuilder? more = null;
        while (true)
        {
            var next = Rest.IndexOf((byte)'<');
            if (next < 0)
            {
                throw Truncated();
            }

            string? piece = null;
            if (next > 0)
            {
                piece = DecodeText(Rest[..next], _recent);
                _position += next;
            }
            else if (Rest.StartsWith("<![CDATA["u8))
            {
                var content = Rest[9..];
                var close = content.IndexOf("]]>"u8);
                if (close < 0)
                {
                    throw Truncated();
                }

                piece = NormaliseLineEnds(content[..close]);
                _position += 9 + close + 3;
            }
            else if (Rest.StartsWith("<!--"u8) || Rest.StartsWith("<?"u8))
            {
                SkipMarkup();
            }
            else
            {
                return more?.ToString() ?? first;
            }

            if (piece is not null)
            {
                if (first is null)
                {
                    first = piece;
                }
                else
                {
                    more ??= new StringBuilder(first);
                    more.Append(piece);
                }

                if ((more?.Length ?? first.Length) > Limits.MaxStringLength)
                {
                    throw new XmlRpcFormatException($"text longer than {Limits.MaxStringLength} characters");
                }
            }
        }
    }

    /// <summary>At <c>&lt;</c>: skips a comment, a processing instruction (or CDATA when allowed) and returns true; false at a tag.</summary>
    private bool SkipMarkup(bool allowCData = false)
    {
        var rest = Rest;
        if (rest[0] != '<')
        {
            throw new XmlRpcFormatException("malformed XML: text outside the root element");
        }

        if (rest.Length > 1 && rest[1] is not ((byte)'?' or (byte)'!'))
        {
            return false;
        }

        if (rest.StartsWith("<?"u8))
        {
            SkipPast("?>"u8);
            return true;
        }

        if (rest.StartsWith("<!--"u8))
        {
            SkipPast("-->"u8);
            return true;
        }

        if (allowCData && rest.StartsWith("<![CDATA["u8))
        {
            SkipPast("]]>"u8);
            return true;
        }

        if (rest.StartsWith("<!"u8))
        {
            throw new XmlRpcFormatException(rest.StartsWith("<!DOCTYPE"u8)
                ? "malformed XML: DTDs are prohibited"
                : "malformed XML: unexpected markup declaration");
        }

        return false;
    }

    private void ParseStartTag()
    {
        _position++;
        var rest = Rest;
        var length = NameLength(rest);
        if (length < 0)
        {
            throw Truncated();
        }

        if (length == 0 || !IsNameStart(rest[0]))
        {
            throw new XmlRpcFormatException("malformed XML: a start tag without a valid name");
        }

        _nameStart = _position;
        _nameLength = length;
        _position += length;

        while (true)
        {
            var spaced = SkipWhitespace();
            switch (Peek(0))
            {
                case '>':
                    _position++;
                    _empty = false;
                    Found();
                    return;
                case '/':
                    if (Peek(1) != '>')
                    {
                        throw new XmlRpcFormatException("malformed XML: '/' in a start tag not followed by '>'");
                    }

                    _position += 2;
                    _empty = true;
                    Found();
                    return;
                case -1:
                    throw Truncated();
                default:
                    if (!spaced)
                    {
                        throw new XmlRpcFormatException("malformed XML: attributes must be separated by whitespace");
                    }

                    SkipAttribute();
                    break;
            }
        }
    }

    private void Found()
    {
        CountElement(_open.Count + 1);
        var name = _data.AsSpan(_nameStart, _nameLength);
        var colon = name.LastIndexOf((byte)':');
        _localName = KnownName(colon < 0 ? name : name[(colon + 1)..]);
    }

    private void SkipAttribute()
    {
        var name = NameLength(Rest);
        if (name <= 0 || !IsNameStart(Rest[0]))
        {
            throw new XmlRpcFormatException("malformed XML: an attribute without a valid name");
        }

        _position += name;
        SkipWhitespace();
        if (Peek(0) != '=')
        {
            throw new XmlRpcFormatException("malformed XML: an attribute without '='");
        }

        _position++;
        SkipWhitespace();
        var quote = Peek(0);
        if (quote is not ('"' or '\''))
        {
            throw new XmlRpcFormatException("malformed XML: an attribute value without quotes");
        }

        _position++;
        var close = Rest.IndexOf((byte)quote);
        if (close < 0)
        {
            throw Truncated();
        }

        if (Rest[..close].Contains((byte)'<'))
        {
            throw new XmlRpcFormatException("malformed XML: '<' in an attribute value");
        }

        _position += close + 1;
    }

    private void ParseEndTag()
    {
        _position += 2;
        var rest = Rest;
        var length = NameLength(rest);
        if (length < 0)
        {
            throw Truncated();
        }

        var (start, openLength) = _open[^1];
        if (!rest[..length].SequenceEqual(_data.AsSpan(start, openLength)))
        {
            throw new XmlRpcFormatException(
                $"malformed XML: </{Encoding.UTF8.GetString(rest[..length])}> does not close <{Encoding.UTF8.GetString(_data, start, openLength)}>");
        }

        _position += length;
        SkipWhitespace();
        if (Peek(0) != '>')
        {
            throw _position >= _end ? Truncated() : new XmlRpcFormatException("malformed XML: an end tag not closed by '>'");
        }

        _position++;
        _open.RemoveAt(_open.Count - 1);
    }

    private void SkipPast(ReadOnlySpan<byte> terminator)
    {
        var at = Rest.IndexOf(terminator);
        if (at < 0)
        {
            throw Truncated();
        }

        _position += at + terminator.Length;
    }

    private bool SkipWhitespace()
    {
        var start = _position;
        while (_position < _end && _data[_position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            _position++;
        }

        return _position > start;
    }

    /// <summary>The length of the name at the start of <paramref name="text"/>, or -1 when the text ends first.</summary>
    private static int NameLength(ReadOnlySpan<byte> text)
    {
        // Names are short: a plain loop beats a vectorised search here.
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'/' or (byte)'>' or (byte)'=')
            {
                return i;
            }
        }

        return -1;
    }

    private int Peek(int offset) => _position + offset < _end ? _data[_position + offset] : -1;

    private XmlRpcFormatException Truncated() =>
        new(_open.Count > 0
            ? $"malformed XML: truncated inside <{Encoding.UTF8.GetString(_data, _open[^1].Start, _open[^1].Length)}>"
            : "malformed XML: truncated");

    private static bool IsNameStart(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (byte)'_' or (byte)':' or >= 0x80;

    /// <summary>Character data: entities expanded, line ends normalised.</summary>
    internal static string DecodeText(ReadOnlySpan<byte> text, string?[] recent)
    {
        var amp = text.IndexOf((byte)'&');
        if (amp < 0)
        {
            return text.Length <= 32 ? Recall(text, recent) : NormaliseLineEnds(text);
        }

        var result = new StringBuilder(text.Length);
        while (amp >= 0)
        {
            result.Append(NormaliseLineEnds(text[..amp]));
            text = text[(amp + 1)..];
            var semicolon = text[..Math.Min(text.Length, 12)].IndexOf((byte)';');
            if (semicolon <= 0)
            {
                throw new XmlRpcFormatException("malformed XML: '&' that does not start an entity reference");
            }

            AppendEntity(result, text[..semicolon]);
            text = text[(semicolon + 1)..];
            amp = text.IndexOf((byte)'&');
        }

        result.Append(NormaliseLineEnds(text));
        return result.ToString();
    }

    private static void AppendEntity(StringBuilder result, ReadOnlySpan<byte> name)
    {
        switch (name)
        {
            case [(byte)'a', (byte)'m', (byte)'p']:
                result.Append('&');
                return;
            case [(byte)'l', (byte)'t']:
                result.Append('<');
                return;
            case [(byte)'g', (byte)'t']:
                result.Append('>');
                return;
            case [(byte)'q', (byte)'u', (byte)'o', (byte)'t']:
                result.Append('"');
                return;
            case [(byte)'a', (byte)'p', (byte)'o', (byte)'s']:
                result.Append('\'');
                return;
        }

        if (name.Length >= 2 && name[0] == '#')
        {
            var hex = name[1] == 'x';
            var digits = name[(hex ? 2 : 1)..];
            if (int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                && code is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF))
            {
                result.Append(char.ConvertFromUtf32(code));
                return;
            }

            throw new XmlRpcFormatException($"malformed XML: &{Encoding.UTF8.GetString(name)}; is not a character XML allows");
        }

        throw new XmlRpcFormatException($"malformed XML: undefined entity &{Encoding.UTF8.GetString(name)};");
    }

    /// <summary>A short text without entities: from the cache of recent texts when it is there.</summary>
    private static string Recall(ReadOnlySpan<byte> text, string?[] recent)
    {
        var hash = 2166136261u;
        foreach (var b in text)
        {
            hash = (hash ^ b) * 16777619u;
        }

        ref var slot = ref recent[(int)(hash ^ (hash >> 8)) & (recent.Length - 1)];
        if (slot is not null && System.Text.Ascii.Equals(text, slot))
        {
            return slot;
        }

        var decoded = NormaliseLineEnds(text);
        if (System.Text.Ascii.IsValid(text) && !text.Contains((byte)'\r'))
        {
            slot = decoded;
        }

        return decoded;
    }

    private static string NormaliseLineEnds(ReadOnlySpan<byte> text)
    {
        var decoded = Encoding.UTF8.GetString(text);
        return text.Contains((byte)'\r') ? decoded.Replace("\r\n", "\n").Replace('\r', '\n') : decoded;
    }

    /// <summary>The element names the codec compares, without allocating; others as new strings.</summary>
    private static string KnownName(ReadOnlySpan<byte> name) => name switch
    {
        [(byte)'v', (byte)'a', (byte)'l', (byte)'u', (byte)'e'] => "value",
        [(byte)'m', (byte)'e', (byte)'m', (byte)'b', (byte)'e', (byte)'r'] => "member",
        [(byte)'n', (byte)'a', (byte)'m', (byte)'e'] => "name",
        [(byte)'s', (byte)'t', (byte)'r', (byte)'i', (byte)'n', (byte)'g'] => "string",
        [(byte)'i', (byte)'n', (byte)'t'] => "int",
        [(byte)'i', (byte)'4'] => "i4",
        [(byte)'i', (byte)'8'] => "i8",
        [(byte)'s', (byte)'t', (byte)'r', (byte)'u', (byte)'c', (byte)'t'] => "struct",
        [(byte)'a', (byte)'r', (byte)'r', (byte)'a', (byte)'y'] => "array",
        [(byte)'d', (byte)'a', (byte)'t', (byte)'a'] => "data",
        [(byte)'b', (byte)'o', (byte)'o', (byte)'l', (byte)'e', (byte)'a', (byte)'n'] => "boolean",
        [(byte)'d', (byte)'o', (byte)'u', (byte)'b', (byte)'l', (byte)'e'] => "double",
        [(byte)'n', (byte)'i', (byte)'l'] => "nil",
        [(byte)'p', (byte)'a', (byte)'r', (byte)'a', (byte)'m'] => "param",
        [(byte)'p', (byte)'a', (byte)'r', (byte)'a', (byte)'m', (byte)'s'] => "params",
        [(byte)'f', (byte)'a', (byte)'u', (byte)'l', (byte)'t'] => "fault",
        _ => Encoding.UTF8.GetString(name),
    };
}
