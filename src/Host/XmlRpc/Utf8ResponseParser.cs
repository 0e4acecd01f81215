using System.Text;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// The fast path of <see cref="XmlRpcResponseReader"/>: a recursive-descent parser over the UTF-8
/// bytes of a successful response laid out as servers write it (ours, Python's marshaller). It
/// compares tags with the literals it expects instead of walking elements one call at a time.
/// </summary>
/// <remarks>
/// It takes only what is plainly that layout: a <c>methodResponse/params/param</c> document,
/// optionally after an XML declaration; tags with no attribute, prefix or space inside; nothing
/// but whitespace between elements; no comment, CDATA section or processing instruction past the
/// declaration; only the XML-RPC element names; a <c>&lt;member&gt;</c> as <c>&lt;name&gt;</c>
/// then one value. On anything else, and on every error including an exceeded limit, it gives
/// up, and <see cref="Utf8ValueReader"/> reads the document from the start: so a document it
/// takes decodes exactly as that reader decodes it, and every rejection is that reader's.
/// The bytes have been checked already (<see cref="Utf8ValueReader.Document"/>).
/// </remarks>
internal ref struct Utf8ResponseParser
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly XmlRpcLimits _limits;

    // Recently decoded short texts, as the general reader keeps them (struct keys, states).
    private readonly string?[] _recent = new string?[256];
    // The keys of the last struct read, by position: the next struct is likely to have the same.
    private readonly string?[] _keys = new string?[32];
    private int _position;
    private int _elements;

    // Structs in one document tend to share a shape: size the next like the last.
    private int _lastStructSize;

    private Utf8ResponseParser(ReadOnlySpan<byte> data, XmlRpcLimits limits)
    {
        _data = data;
        _limits = limits;
    }

    private enum Kind
    {
        Unknown,
        Value,
        String,
        Int,
        I4,
        I8,
        Boolean,
        Double,
        DateTime,
        Base64,
        Nil,
        Array,
        Struct,
    }

    private readonly ReadOnlySpan<byte> Rest => _data[_position..];

    /// <summary>
    /// Decodes <paramref name="document"/> when it is a successful response in the plain layout;
    /// false (for the general reader to take over) otherwise.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> document, XmlRpcLimits limits, out object? value)
    {
        var parser = new Utf8ResponseParser(document, limits);
        try
        {
            return parser.TryReadDocument(out value);
        }
        catch (XmlRpcFormatException)
        {
            // A text that does not convert, or a bad entity: the general reader says which, and where.
            value = null;
            return false;
        }
    }

    private bool TryReadDocument(out object? value)
    {
        value = null;
        SkipWhitespace();
        while (Rest.StartsWith("<?"u8))
        {
            var close = Rest.IndexOf("?>"u8);
            if (close < 0)
            {
                return false;
            }

            _position += close + 2;
            SkipWhitespace();
        }

        if (!Open("<methodResponse>"u8, 1) || !Open("<params>"u8, 2) || !Open("<param>"u8, 3)
            || !TryReadTyped(4, out value)
            || !Close("</param>"u8) || !Close("</params>"u8) || !Close("</methodResponse>"u8))
        {
            return false;
        }

        SkipWhitespace();
        return _position == _data.Length;
    }

    /// <summary>After optional whitespace, the start tag <paramref name="tag"/> (with its brackets), at <paramref name="depth"/>.</summary>
    private bool Open(ReadOnlySpan<byte> tag, int depth)
    {
        SkipWhitespace();
        if (!Rest.StartsWith(tag) || !Count(depth))
        {
            return false;
        }

        _position += tag.Length;
        return true;
    }

    /// <summary>After optional whitespace, the end tag <paramref name="tag"/>.</summary>
    private bool Close(ReadOnlySpan<byte> tag)
    {
        SkipWhitespace();
        return Skip(tag);
    }

    /// <summary>Exactly <paramref name="literal"/>, here.</summary>
    private bool Skip(ReadOnlySpan<byte> literal)
    {
        if (!Rest.StartsWith(literal))
        {
            return false;
        }

        _position += literal.Length;
        return true;
    }

    private bool Count(int depth) => ++_elements <= _limits.MaxElements && depth <= _limits.MaxDepth;

    private void SkipWhitespace()
    {
        var data = _data;
        var position = _position;
        while ((uint)position < (uint)data.Length && data[position] is (byte)' ' or (byte)'\n' or (byte)'\t' or (byte)'\r')
        {
            position++;
        }

        _position = position;
    }

    /// <summary>After optional whitespace, any value-bearing element (<c>&lt;value&gt;</c> or a typed one), at <paramref name="depth"/>.</summary>
    private bool TryReadTyped(int depth, out object? value)
    {
        value = null;
        SkipWhitespace();

        // The usual tags first, compared whole; the rest (and the empty forms) by name.
        var rest = Rest;
        var empty = false;
        Kind kind;
        if (rest.StartsWith("<value>"u8))
        {
            kind = Kind.Value;
            _position += 7;
        }
        else if (rest.StartsWith("<string>"u8))
        {
            kind = Kind.String;
            _position += 8;
        }
        else if (rest.StartsWith("<int>"u8))
        {
            kind = Kind.Int;
            _position += 5;
        }
        else if (rest.StartsWith("<struct>"u8))
        {
            kind = Kind.Struct;
            _position += 8;
        }
        else
        {
            kind = StartTag(out empty);
        }

        if (kind == Kind.Unknown || !Count(depth))
        {
            return false;
        }

        string? text;
        switch (kind)
        {
            case Kind.Value:
                return TryReadValue(depth, empty, out value);
            case Kind.String:
                if (!TryReadText(empty, "</string>"u8, out text))
                {
                    return false;
                }

                value = text ?? string.Empty;
                return true;
            case Kind.Int:
                return TryReadInt(empty, "</int>"u8, out value);
            case Kind.I4:
                return TryReadInt(empty, "</i4>"u8, out value);
            case Kind.I8:
                if (!TryReadText(empty, "</i8>"u8, out text))
                {
                    return false;
                }

                value = XmlRpcValueReader.ParseInteger(text, "i8");
                return true;
            case Kind.Boolean:
                if (!TryReadText(empty, "</boolean>"u8, out text))
                {
                    return false;
                }

                value = XmlRpcValueReader.BooleanValue(text);
                return true;
            case Kind.Double:
                if (!TryReadText(empty, "</double>"u8, out text))
                {
                    return false;
                }

                value = XmlRpcValueReader.ParseDouble(text);
                return true;
            case Kind.DateTime:
                if (!TryReadText(empty, "</dateTime.iso8601>"u8, out text))
                {
                    return false;
                }

                value = XmlRpcValueReader.ParseDateTime(text);
                return true;
            case Kind.Base64:
                if (!TryReadText(empty, "</base64>"u8, out text))
                {
                    return false;
                }

                value = PythonBase64.Decode(text);
                return true;
            case Kind.Nil:
                return empty || Skip("</nil>"u8);
            case Kind.Array:
                return TryReadArray(depth, empty, out value);
            case Kind.Struct:
                return TryReadStruct(depth, empty, out value);
            default:
                return false;
        }
    }

    /// <summary>
    /// At a start tag without attributes: moves past it and returns its kind (Unknown, without
    /// moving, for any other tag or markup). <paramref name="empty"/> tells <c>&lt;x/&gt;</c>.
    /// </summary>
    private Kind StartTag(out bool empty)
    {
        empty = false;
        var rest = Rest;
        if (rest.Length < 3 || rest[0] != '<')
        {
            return Kind.Unknown;
        }

        // Names are short: a plain loop beats a vectorised search.
        var end = 1;
        while (end < rest.Length && rest[end] is not ((byte)'>' or (byte)'/'))
        {
            end++;
        }

        if (end + 1 >= rest.Length)
        {
            return Kind.Unknown;
        }

        var length = end + 1;
        if (rest[end] == '/')
        {
            if (rest[end + 1] != '>')
            {
                return Kind.Unknown;
            }

            empty = true;
            length++;
        }

        var kind = rest[1..end] switch
        {
            [(byte)'v', (byte)'a', (byte)'l', (byte)'u', (byte)'e'] => Kind.Value,
            [(byte)'s', (byte)'t', (byte)'r', (byte)'i', (byte)'n', (byte)'g'] => Kind.String,
            [(byte)'i', (byte)'n', (byte)'t'] => Kind.Int,
            [(byte)'i', (byte)'4'] => Kind.I4,
            [(byte)'i', (byte)'8'] => Kind.I8,
            [(byte)'s', (byte)'t', (byte)'r', (byte)'u', (byte)'c', (byte)'t'] => Kind.Struct,
            [(byte)'a', (byte)'r', (byte)'r', (byte)'a', (byte)'y'] => Kind.Array,
            [(byte)'b', (byte)'o', (byte)'o', (byte)'l', (byte)'e', (byte)'a', (byte)'n'] => Kind.Boolean,
            [(byte)'d', (byte)'o', (byte)'u', (byte)'b', (byte)'l', (byte)'e'] => Kind.Double,
            [(byte)'n', (byte)'i', (byte)'l'] => Kind.Nil,
            [(byte)'b', (byte)'a', (byte)'s', (byte)'e', (byte)'6', (byte)'4'] => Kind.Base64,
            _ => rest[1..end].SequenceEqual("dateTime.iso8601"u8) ? Kind.DateTime : Kind.Unknown,
        };

        if (kind != Kind.Unknown)
        {
            _position += length;
        }

        return kind;
    }

    /// <summary>
    /// The text of an element whose start tag was just read, up to its end tag
    /// <paramref name="endTag"/>: null when there is none, as the general reader gives it.
    /// </summary>
    private bool TryReadText(bool empty, ReadOnlySpan<byte> endTag, out string? text)
    {
        text = null;
        if (empty)
        {
            return true;
        }

        // UTF-8 never takes fewer bytes than UTF-16 takes characters: within the limit in bytes is within it.
        var rest = Rest;
        var length = rest.IndexOfAny((byte)'<', (byte)'&', (byte)'\r');
        if (length >= 0 && rest[length] == '<')
        {
            // No reference, no line end to normalise: the text is its bytes.
            if (length > _limits.MaxStringLength || !rest[length..].StartsWith(endTag))
            {
                return false;
            }

            if (length > 0)
            {
                text = PlainText(rest[..length]);
            }

            _position += length + endTag.Length;
            return true;
        }

        length = rest.IndexOf((byte)'<');
        if (length < 0 || length > _limits.MaxStringLength || !rest[length..].StartsWith(endTag))
        {
            return false;
        }

        text = Utf8ValueReader.DecodeText(rest[..length], _recent);
        _position += length + endTag.Length;
        return true;
    }

    /// <summary>A text without references or CR: short ASCII ones from the cache of recent texts when there.</summary>
    private readonly string PlainText(ReadOnlySpan<byte> text)
    {
        if (text.Length > 32)
        {
            return Encoding.UTF8.GetString(text);
        }

        var hash = 2166136261u;
        foreach (var b in text)
        {
            hash = (hash ^ b) * 16777619u;
        }

        ref var slot = ref _recent[(int)(hash ^ (hash >> 8)) & (_recent.Length - 1)];
        if (slot is not null && Ascii.Equals(text, slot))
        {
            return slot;
        }

        var decoded = Encoding.UTF8.GetString(text);
        if (decoded.Length == text.Length)
        {
            // As many characters as bytes: ASCII.
            slot = decoded;
        }

        return decoded;
    }

    private bool TryReadInt(bool empty, ReadOnlySpan<byte> endTag, out object? value)
    {
        value = null;
        if (empty)
        {
            value = XmlRpcValueReader.IntValue(null);
            return true;
        }

        var rest = Rest;

        // The usual case: an optional minus, up to 18 digits, the end tag.
        var negative = rest.Length > 0 && rest[0] == '-';
        var first = negative ? 1 : 0;
        var at = first;
        long number = 0;
        while (at < rest.Length && at - first < 18 && (uint)(rest[at] - '0') <= 9)
        {
            number = (number * 10) + (rest[at] - '0');
            at++;
        }

        if (at > first && at <= _limits.MaxStringLength && rest[at..].StartsWith(endTag))
        {
            _position += at + endTag.Length;
            value = XmlRpcValueReader.IntValue(negative ? -number : number);
            return true;
        }

        var length = rest.IndexOf((byte)'<');
        if (length < 0 || length > _limits.MaxStringLength)
        {
            return false;
        }

        var digits = rest[..length];
        if (!rest[length..].StartsWith(endTag))
        {
            return false;
        }

        _position += length + endTag.Length;
        value = XmlRpcValueReader.IntValue(length > 0 ? Utf8ValueReader.DecodeText(digits, _recent) : null);
        return true;
    }

    /// <summary>The content of a <c>&lt;value&gt;</c> whose start tag was just read.</summary>
    private bool TryReadValue(int depth, bool empty, out object? value)
    {
        value = string.Empty;
        if (empty)
        {
            return true;
        }

        var rest = Rest;
        if (rest.Length > 1 && rest[0] == '<' && rest[1] is not ((byte)'/' or (byte)'!' or (byte)'?'))
        {
            // A child element straight after the start tag: the usual case.
            return TryReadTyped(depth + 1, out value) && Close("</value>"u8);
        }

        var length = rest.IndexOf((byte)'<');
        if (length < 0 || length > _limits.MaxStringLength)
        {
            return false;
        }

        if (rest[length..].StartsWith("</value>"u8))
        {
            if (length > 0)
            {
                value = Utf8ValueReader.DecodeText(rest[..length], _recent);
            }

            _position += length + 8;
            return true;
        }

        // Text before a child element is dropped; only whitespace is plainly droppable.
        _position += length;
        if (rest[..length].ContainsAnyExcept(" \n\t\r"u8))
        {
            return false;
        }

        return TryReadTyped(depth + 1, out value) && Close("</value>"u8);
    }

    private bool TryReadArray(int depth, bool empty, out object? value)
    {
        value = null;
        if (empty)
        {
            value = Array.Empty<object?>();
            return true;
        }

        SkipWhitespace();
        if (Skip("</array>"u8))
        {
            value = Array.Empty<object?>();
            return true;
        }

        if (!Count(depth + 1))
        {
            return false;
        }

        if (Skip("<data/>"u8))
        {
            value = Array.Empty<object?>();
            return Close("</array>"u8);
        }

        if (!Skip("<data>"u8))
        {
            return false;
        }

        var items = new List<object?>();
        while (true)
        {
            SkipWhitespace();
            if (Skip("</data>"u8))
            {
                break;
            }

            if (!TryReadTyped(depth + 2, out var item))
            {
                return false;
            }

            items.Add(item);
        }

        value = items.ToArray();
        return Close("</array>"u8);
    }

    /// <summary>
    /// A struct key, after <c>&lt;name&gt;</c>: first compared with the key at the same place in
    /// the last struct (1,000 process infos share 14 keys in one order), else decoded as any text.
    /// </summary>
    private bool TryReadKey(int index, out string? name)
    {
        var rest = Rest;
        var keys = _keys;
        if ((uint)index < (uint)keys.Length && keys[index] is { } known
            && known.Length + 7 <= rest.Length
            && rest[known.Length..].StartsWith("</name>"u8)
            && Ascii.Equals(rest[..known.Length], known))
        {
            name = known;
            _position += known.Length + 7;
            return true;
        }

        var start = _position;
        if (!TryReadText(empty: false, "</name>"u8, out name))
        {
            return false;
        }

        // Only a key whose bytes are its characters (ASCII, no reference, no CR) can be matched byte for byte.
        var raw = _data[start..(_position - 7)];
        if ((uint)index < (uint)keys.Length && name is not null && Ascii.IsValid(raw) && raw.IndexOfAny((byte)'&', (byte)'\r') < 0)
        {
            keys[index] = name;
        }

        return true;
    }

    private bool TryReadStruct(int depth, bool empty, out object? value)
    {
        var members = new Dictionary<string, object?>(_lastStructSize, StringComparer.Ordinal);
        value = members;
        if (empty)
        {
            return true;
        }

        while (true)
        {
            SkipWhitespace();
            if (Skip("</struct>"u8))
            {
                break;
            }

            if (!Open("<member>"u8, depth + 1))
            {
                return false;
            }

            SkipWhitespace();
            string? name;
            if (Skip("<name>"u8))
            {
                if (!Count(depth + 2) || !TryReadKey(members.Count, out name))
                {
                    return false;
                }
            }
            else if (Skip("<name/>"u8))
            {
                if (!Count(depth + 2))
                {
                    return false;
                }

                name = null;
            }
            else
            {
                return false;
            }

            if (!TryReadTyped(depth + 2, out var member) || !Close("</member>"u8))
            {
                return false;
            }

            members[name ?? string.Empty] = member;
        }

        _lastStructSize = members.Count;
        return true;
    }
}
