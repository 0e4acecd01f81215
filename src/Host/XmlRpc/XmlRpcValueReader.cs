using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Walks an XML-RPC document with a forward-only <see cref="XmlReader"/> (no DOM) and decodes
/// values to the CLR model of this folder's README, with the reference's leniency
/// (transport.md §6). Shared by the request reader (server) and the response reader (client).
/// </summary>
/// <remarks>
/// Every <c>Read…</c> method starts on an element's start tag and returns with the reader on
/// the node after that element's end tag.
/// </remarks>
internal sealed class XmlRpcValueReader : IDisposable
{
    // Bytes are UTF-8 whatever the XML declaration says; invalid bytes are an error. The
    // preamble makes StreamReader skip a UTF-8 byte order mark.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CheckCharacters = true,
        MaxCharactersFromEntities = 1024,
        CloseInput = true,
    };

    private static readonly string[] DateTimeFormats =
    [
        "yyyyMMdd'T'HH:mm:ss",
        "yyyyMMdd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
    ];

    private readonly XmlReader _reader;
    private readonly XmlRpcLimits _limits;
    private int _elements;

    private XmlRpcValueReader(XmlReader reader, XmlRpcLimits limits)
    {
        _reader = reader;
        _limits = limits;
    }

    /// <summary>The underlying reader, for the document-level walk of the request and response readers.</summary>
    public XmlReader Reader => _reader;

    public static XmlRpcValueReader Create(in ReadOnlySequence<byte> body, XmlRpcLimits? limits)
    {
        var bufferSize = (int)Math.Clamp(body.Length, 128, 16 * 1024);
        var text = new StreamReader(new ReadOnlySequenceStream(body), StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize);
        return new XmlRpcValueReader(XmlReader.Create(text, Settings), limits ?? XmlRpcLimits.Default);
    }

    /// <summary>
    /// Runs <paramref name="read"/> and turns every way a body can be unreadable into an
    /// <see cref="XmlRpcFormatException"/>.
    /// </summary>
    public static T Guard<T>(in ReadOnlySequence<byte> body, XmlRpcLimits? limits, Func<XmlRpcValueReader, T> read)
    {
        try
        {
            using var reader = Create(body, limits);
            return read(reader);
        }
        catch (XmlException e)
        {
            throw new XmlRpcFormatException($"malformed XML: {e.Message}", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new XmlRpcFormatException("body is not valid UTF-8", e);
        }
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>Moves to the document's root element; an empty body or one without elements is an error.</summary>
    public void MoveToRoot()
    {
        if (_reader.MoveToContent() != XmlNodeType.Element)
        {
            throw new XmlRpcFormatException("body holds no XML element");
        }

        Count();
    }

    /// <summary>Reads to the end of the document, so that trailing garbage is still reported.</summary>
    public void ReadToEnd()
    {
        while (Next())
        {
        }
    }

    /// <summary>
    /// From a start tag, enters the element's content. Returns false (and moves past the element)
    /// when it is empty.
    /// </summary>
    public bool Enter()
    {
        var empty = _reader.IsEmptyElement;
        Next();
        return !empty;
    }

    /// <summary>
    /// Inside an element's content, moves to the next child element and returns true, or
    /// consumes the parent's end tag and returns false. Text between children is ignored.
    /// </summary>
    public bool NextChild()
    {
        while (true)
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Element:
                    return true;
                case XmlNodeType.EndElement:
                    Next();
                    return false;
                case XmlNodeType.None:
                    throw new XmlRpcFormatException("truncated XML");
                default:
                    Next();
                    break;
            }
        }
    }

    /// <summary>Skips the current element and everything inside it.</summary>
    public void Skip()
    {
        if (Enter())
        {
            while (NextChild())
            {
                Skip();
            }
        }
    }

    /// <summary>
    /// The element's text as ElementTree's <c>.text</c> gives it: the text before the first child
    /// element (child elements are skipped). Null when the element has no text at all.
    /// </summary>
    public string? ReadText()
    {
        if (!Enter())
        {
            return null;
        }

        var text = CollectText();
        while (NextChild())
        {
            Skip();
        }

        return text;
    }

    /// <summary>
    /// Reads a <c>&lt;value&gt;</c> element: its first child element's value, or else its text
    /// as a string (empty when it has none).
    /// </summary>
    public object? ReadValue()
    {
        if (!Enter())
        {
            return string.Empty;
        }

        var text = CollectText();
        if (!NextChild())
        {
            return text ?? string.Empty;
        }

        var value = ReadTyped();
        while (NextChild())
        {
            Skip();
        }

        return value;
    }

    /// <summary>Reads any value-bearing element: <c>&lt;value&gt;</c> or a typed element such as <c>&lt;int&gt;</c>.</summary>
    public object? ReadTyped()
    {
        // Names are matched on the local name, so extension prefixes such as Apache's ex:i8
        // and ex:nil work when their namespace is declared.
        switch (_reader.LocalName)
        {
            case "value":
                return ReadValue();
            case "string":
                return ReadText() ?? string.Empty;
            case "int":
            case "i4":
                {
                    var number = ParseInteger(ReadText(), "int");
                    if (number is < int.MinValue or > int.MaxValue)
                    {
                        throw new XmlRpcFormatException($"<int> out of 32-bit range: {number}");
                    }

                    return (int)number;
                }

            case "i8":
                return ParseInteger(ReadText(), "i8");
            case "boolean":
                return ParseBoolean(ReadText());
            case "double":
                return ParseDouble(ReadText());
            case "dateTime.iso8601":
                return ParseDateTime(ReadText());
            case "base64":
                return PythonBase64.Decode(ReadText());
            case "nil":
                Skip();
                return null;
            case "array":
                return ReadArray();
            case "struct":
                return ReadStruct();
            default:
                // The reference hands an unknown element's text to the method as a string.
                return ReadText() ?? string.Empty;
        }
    }

    private object?[] ReadArray()
    {
        if (!Enter())
        {
            return [];
        }

        object?[] result = [];
        if (NextChild())
        {
            if (_reader.LocalName != "data")
            {
                throw new XmlRpcFormatException($"<array> holds <{_reader.Name}> where <data> belongs");
            }

            result = ReadData();
            while (NextChild())
            {
                Skip();
            }
        }

        return result;
    }

    private object?[] ReadData()
    {
        if (!Enter())
        {
            return [];
        }

        var items = new List<object?>();
        while (NextChild())
        {
            items.Add(ReadTyped());
        }

        return items.ToArray();
    }

    private Dictionary<string, object?> ReadStruct()
    {
        var members = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (!Enter())
        {
            return members;
        }

        while (NextChild())
        {
            if (_reader.LocalName != "member")
            {
                Skip();
                continue;
            }

            string? name = null;
            var hasValue = false;
            object? value = null;
            if (Enter())
            {
                while (NextChild())
                {
                    if (_reader.LocalName == "name" && name is null)
                    {
                        name = ReadText() ?? string.Empty;
                    }
                    else if (!hasValue)
                    {
                        value = ReadTyped();
                        hasValue = true;
                    }
                    else
                    {
                        Skip();
                    }
                }
            }

            if (name is null)
            {
                throw new XmlRpcFormatException("struct <member> without <name>");
            }

            if (!hasValue)
            {
                throw new XmlRpcFormatException($"struct member '{name}' without a value");
            }

            members[name] = value;
        }

        return members;
    }

    /// <summary>Collects consecutive text, CDATA and whitespace nodes at the current position.</summary>
    private string? CollectText()
    {
        string? first = null;
        StringBuilder? more = null;
        while (true)
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    var piece = _reader.Value;
                    if (first is null)
                    {
                        first = piece;
                    }
                    else
                    {
                        more ??= new StringBuilder(first);
                        more.Append(piece);
                    }

                    var length = more?.Length ?? first.Length;
                    if (length > _limits.MaxStringLength)
                    {
                        throw new XmlRpcFormatException($"text longer than {_limits.MaxStringLength} characters");
                    }

                    Next();
                    break;
                default:
                    return more?.ToString() ?? first;
            }
        }
    }

    private bool Next()
    {
        if (!_reader.Read())
        {
            return false;
        }

        if (_reader.NodeType == XmlNodeType.Element)
        {
            Count();
        }

        return true;
    }

    private void Count()
    {
        if (++_elements > _limits.MaxElements)
        {
            throw new XmlRpcFormatException($"more than {_limits.MaxElements} elements");
        }

        if (_reader.Depth + 1 > _limits.MaxDepth)
        {
            throw new XmlRpcFormatException($"elements nested deeper than {_limits.MaxDepth}");
        }
    }

    private static long ParseInteger(string? text, string element)
    {
        const NumberStyles Styles = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;
        if (long.TryParse(text, Styles, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        throw new XmlRpcFormatException($"<{element}> is not an integer: '{Shorten(text)}'");
    }

    private static bool ParseBoolean(string? text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed is "1" || trimmed.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (trimmed is "0" || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new XmlRpcFormatException($"<boolean> is not 1, 0, true or false: '{Shorten(text)}'");
    }

    private static double ParseDouble(string? text)
    {
        var trimmed = text.AsSpan().Trim();
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        // Python's float() also reads its own repr of the specials.
        var unsigned = trimmed.TrimStart("+-");
        var negative = trimmed.StartsWith("-");
        if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }

        if (unsigned.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            return double.NaN;
        }

        throw new XmlRpcFormatException($"<double> is not a number: '{Shorten(text)}'");
    }

    private static DateTime ParseDateTime(string? text)
    {
        var trimmed = text.AsSpan().Trim();
        if (DateTime.TryParseExact(trimmed, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
        }

        throw new XmlRpcFormatException($"<dateTime.iso8601> is not YYYYMMDDTHH:MM:SS: '{Shorten(text)}'");
    }

    private static string Shorten(string? text) =>
        text is null ? string.Empty : text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
