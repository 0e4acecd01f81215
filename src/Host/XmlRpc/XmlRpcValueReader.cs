using System.Globalization;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Decodes XML-RPC values to the CLR model of this folder's README, with the reference's leniency
/// (Python's <c>xmlrpc.client.Unmarshaller</c>), over a forward-only walk of the document (no DOM). The walk is the
/// subclass's: <see cref="XmlReaderValueReader"/> (System.Xml, for requests from the network)
/// or <see cref="Utf8ValueReader"/> (a small parser straight over UTF-8, for responses).
/// </summary>
/// <remarks>
/// Every <c>Read…</c> method starts on an element's start tag and returns with the reader on
/// the node after that element's end tag.
/// </remarks>
internal abstract class XmlRpcValueReader : IDisposable
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyyMMdd'T'HH:mm:ss",
        "yyyyMMdd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
    ];

    // Shared boxes: decoded values are immutable, so a big response need not box every 0 and 20 anew.
    private static readonly object[] SmallInts = [.. Enumerable.Range(-1, 1026).Select(i => (object)i)];
    private static readonly object True = true;
    private static readonly object False = false;

    private int _elements;

    // Structs in one document tend to share a shape (1,000 process infos): size the next like the last.
    private int _lastStructSize;

    protected XmlRpcValueReader(XmlRpcLimits? limits)
    {
        Limits = limits ?? XmlRpcLimits.Default;
    }

    public XmlRpcLimits Limits { get; }

    /// <summary>The current element's name without namespace prefix.</summary>
    public abstract string LocalName { get; }

    /// <summary>The current element's name as written, for messages.</summary>
    public abstract string Name { get; }

    /// <summary>Moves to the document's root element; an empty body or one without elements is an error.</summary>
    public abstract void MoveToRoot();

    /// <summary>Reads to the end of the document, so that trailing garbage is still reported.</summary>
    public abstract void ReadToEnd();

    /// <summary>
    /// From a start tag, enters the element's content. Returns false (and moves past the element)
    /// when it is empty.
    /// </summary>
    public abstract bool Enter();

    /// <summary>
    /// Inside an element's content, moves to the next child element and returns true, or
    /// consumes the parent's end tag and returns false. Text between children is ignored.
    /// </summary>
    public abstract bool NextChild();

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Inside an element's content, reads the text (character data, CDATA) up to the next child
    /// element or the end tag. Null when there is none.
    /// </summary>
    protected abstract string? CollectText();

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
        switch (LocalName)
        {
            case "value":
                return ReadValue();
            case "string":
                return ReadText() ?? string.Empty;
            case "int":
            case "i4":
                return IntValue(ReadText());
            case "i8":
                return ParseInteger(ReadText(), "i8");
            case "boolean":
                return BooleanValue(ReadText());
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
            if (LocalName != "data")
            {
                throw new XmlRpcFormatException($"<array> holds <{Name}> where <data> belongs");
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
        var members = new Dictionary<string, object?>(_lastStructSize, StringComparer.Ordinal);
        if (!Enter())
        {
            return members;
        }

        while (NextChild())
        {
            if (LocalName != "member")
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
                    if (LocalName == "name" && name is null)
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

        _lastStructSize = members.Count;

        return members;
    }

    /// <summary>Counts one more element, found at <paramref name="depth"/> (the root is 1), against the limits.</summary>
    protected void CountElement(int depth)
    {
        if (++_elements > Limits.MaxElements)
        {
            throw new XmlRpcFormatException($"more than {Limits.MaxElements} elements");
        }

        if (depth > Limits.MaxDepth)
        {
            throw new XmlRpcFormatException($"elements nested deeper than {Limits.MaxDepth}");
        }
    }

    /// <summary>
    /// An <c>&lt;int&gt;</c>'s value from its text. A value beyond 32 bits is kept (as long, or as
    /// its digits beyond 64 bits) rather than refused here: the binder then answers
    /// INCORRECT_PARAMETERS for an int parameter, a fault the caller can handle instead of an
    /// HTTP 400 for well-formed XML.
    /// </summary>
    internal static object IntValue(string? text)
    {
        if (!TryParseInteger(text, out var number))
        {
            return WideIntegerDigits(text) ?? throw new XmlRpcFormatException($"<int> is not an integer: '{Shorten(text)}'");
        }

        return IntValue(number);
    }

    /// <summary>An <c>&lt;int&gt;</c>'s parsed number, boxed: an int (shared when small), or a long beyond 32 bits.</summary>
    internal static object IntValue(long number)
    {
        if (number is < int.MinValue or > int.MaxValue)
        {
            return number;
        }

        return number is >= -1 and <= 1024 ? SmallInts[number + 1] : (int)number;
    }

    internal static object BooleanValue(string? text) => ParseBoolean(text) ? True : False;

    private const NumberStyles IntegerStyles = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;

    internal static long ParseInteger(string? text, string element) =>
        TryParseInteger(text, out var value) ? value : throw new XmlRpcFormatException($"<{element}> is not an integer: '{Shorten(text)}'");

    private static bool TryParseInteger(string? text, out long value) =>
        long.TryParse(text, IntegerStyles, CultureInfo.InvariantCulture, out value);

    /// <summary>The trimmed text of an integer too wide for 64 bits, or null when the text is not an integer at all.</summary>
    private static string? WideIntegerDigits(string? text) =>
        System.Numerics.BigInteger.TryParse(text, IntegerStyles, CultureInfo.InvariantCulture, out _) ? text!.Trim() : null;

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

    internal static double ParseDouble(string? text)
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

    internal static DateTime ParseDateTime(string? text)
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
